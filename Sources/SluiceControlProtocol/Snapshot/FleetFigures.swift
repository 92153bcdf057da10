/// A fleet node's link to the shared Redis, in `show status` (JSON `fleet`; absent on a node
/// without a `<cluster>` block).
public struct FleetFigures: Codable, Hashable, Sendable {
    /// This node's `node-name`.
    public var node: String
    /// `connected` or `degraded` (Redis unreachable or too slow).
    public var state: String
    /// While degraded, since when (Unix seconds); nil while connected.
    public var degradedSince: Double?
    /// Live nodes at the last heartbeat (the last known count while degraded).
    public var liveNodes: Int
    /// Where the throttles are kept: `shared`, or `fallback 1/N` (this node's share of each limit).
    public var throttles: String

    /// Creates the figures.
    public init(node: String, state: String, degradedSince: Double?, liveNodes: Int, throttles: String) {
        self.node = node
        self.state = state
        self.degradedSince = degradedSince
        self.liveNodes = liveNodes
        self.throttles = throttles
    }

    /// True while Redis is unreachable.
    public var isDegraded: Bool { state == "degraded" }

    enum CodingKeys: String, CodingKey {
        case node, state, throttles
        case degradedSince = "degraded_since"
        case liveNodes = "live_nodes"
    }
}
