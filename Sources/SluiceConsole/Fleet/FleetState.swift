import SluiceBase
import SluiceControlProtocol

/// One node of the fleet console: its last snapshot and whether it still answers.
public struct FleetNode: Hashable, Sendable {
    /// The node's name (from `--node NAME=SOCKET` or the `<cluster>` block).
    public var name: String
    /// The node's last snapshot; kept when the node stops answering.
    public var snapshot: NodeSnapshot?
    /// When that snapshot arrived.
    public var snapshotAt: Instant?
    /// Why the node is not answering, while it is not.
    public var problem: String?

    /// Creates a node that has not answered yet.
    public init(name: String) { self.name = name }

    /// True when the node's last snapshot is older than ``ConsoleState/staleAfterSeconds``, it
    /// never sent one, or its data source reported a problem.
    public func isStale(at now: Instant) -> Bool {
        guard let at = snapshotAt else { return true }
        return problem != nil || (now - at).milliseconds > ConsoleState.staleAfterSeconds * 1000
    }
}

/// The node each row of the merged snapshot came from, by view, in the merged arrays' order.
public struct FleetRowNodes: Hashable, Sendable {
    /// Node of each merged domain row.
    public var domains: [String] = []
    /// Node of each merged queue row.
    public var queues: [String] = []
    /// Node of each merged vmta row.
    public var vmtas: [String] = []
    /// Node of each merged job row.
    public var jobs: [String] = []

    /// Creates empty row nodes.
    public init() {}

    /// The node of row `index` of `view`, if any.
    public func node(of index: Int, in view: ConsoleView) -> String? {
        let nodes: [String]
        switch view {
        case .domains: nodes = domains
        case .queues: nodes = queues
        case .vmtas: nodes = vmtas
        case .jobs: nodes = jobs
        case .diagnostics, .detail, .patterns: return nil
        }
        return nodes.indices.contains(index) ? nodes[index] : nil
    }
}

/// The fleet console's nodes, the drill-down and where each merged row came from. Nil in
/// ``ConsoleState/fleet`` for the one-node console.
public struct FleetState: Hashable, Sendable {
    /// Every node, in the order given (config or command line).
    public var nodes: [FleetNode]
    /// The node the tables and totals are narrowed to (drill-down), or nil for the whole fleet.
    public var focus: String?
    /// The node of each row of the merged snapshot.
    public var rowNodes = FleetRowNodes()

    /// Creates the state of a fleet of `names`, none of which has answered yet.
    public init(names: [String]) {
        nodes = names.map(FleetNode.init(name:))
    }

    /// The names of the nodes that are stale at `now`.
    public func staleNodes(at now: Instant) -> Set<String> {
        Set(nodes.filter { $0.isStale(at: now) }.map(\.name))
    }

    /// The nodes the merged snapshot is made of: the focused one, or all.
    public var shownNodes: [FleetNode] {
        guard let focus else { return nodes }
        return nodes.filter { $0.name == focus }
    }

    /// The node after the focus in the drill-down cycle: all nodes → first → … → last → all nodes.
    public var nextFocus: String? {
        guard let focus, let i = nodes.firstIndex(where: { $0.name == focus }) else { return nodes.first?.name }
        return i + 1 < nodes.count ? nodes[i + 1].name : nil
    }
}
