import SluiceControlProtocol

/// The fleet console's data source: one data source per node (each a ``ControlDataSource`` on the
/// node's control socket), their feeds tagged with the node (``ConsoleFeed/node(_:_:)``), and
/// operator requests sent to every node, so that a hold, pause or throttle typed in the fleet
/// console applies fleet-wide.
public struct FleetDataSource: ConsoleDataSource {
    /// A node and where its data comes from.
    public struct Member: Sendable {
        /// The node's name.
        public var name: String
        /// The node's data source.
        public var source: any ConsoleDataSource
        /// Creates a member.
        public init(name: String, source: any ConsoleDataSource) {
            self.name = name
            self.source = source
        }
    }

    /// The nodes, in the order they are shown.
    public let members: [Member]

    /// Creates the fleet data source of `members`.
    public init(members: [Member]) { self.members = members }

    /// The nodes' names.
    public var fleetNodes: [String]? { members.map(\.name) }

    /// Every node's feed, each item tagged with its node, for as long as the stream is consumed.
    public func feed() -> AsyncStream<ConsoleFeed> {
        let members = self.members
        return AsyncStream { continuation in
            let task = Task {
                await withTaskGroup(of: Void.self) { group in
                    for member in members {
                        group.addTask {
                            for await item in member.source.feed() { continuation.yield(.node(member.name, item)) }
                        }
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Sends the request to every node (a control's undo only to the node that holds it, named
    /// in its `NODE:ID`); succeeds when every node accepted it, the answer naming each node.
    public func perform(_ request: OperatorRequest) async -> Result<String, OperatorError> {
        if case .cancelControl(let qualified, let reason) = request {
            guard let (node, id) = FleetMerge.split(controlID: qualified),
                  let member = members.first(where: { $0.name == node }) else {
                return .failure(OperatorError("control \(qualified) names no node of the fleet"))
            }
            return await member.source.perform(.cancelControl(id: id, reason: reason)).map { "\(node): \($0)" }
        }
        let results = await withTaskGroup(of: (Int, Result<String, OperatorError>).self) { group in
            for (i, member) in members.enumerated() {
                group.addTask { (i, await member.source.perform(request)) }
            }
            var results: [(Int, Result<String, OperatorError>)] = []
            for await r in group { results.append(r) }
            return results.sorted { $0.0 < $1.0 }
        }
        return Self.combine(results.map { (members[$0.0].name, $0.1) })
    }

    /// The effective settings from the first node that answers.
    public func settings(for target: String) async -> Result<SettingsSnapshot, OperatorError> {
        await firstAnswer { await $0.settings(for: target) }
    }

    /// The history frame of the first node that answers (each node keeps its own history).
    public func historyFrame(minute: Int64) async -> Result<HistoryFrame?, OperatorError> {
        await firstAnswer { await $0.historyFrame(minute: minute) }
    }

    /// The last 24 hours of a domain or vmta from the first node that answers.
    public func historySeries(kind: HistoryKind, name: String) async -> Result<[HistoryPoint], OperatorError> {
        await firstAnswer { await $0.historySeries(kind: kind, name: name) }
    }

    /// The dry run of the first node that answers (each node has its own recorded replies; the
    /// rule, once applied, is sent to every node).
    public func dryRun(pattern: String) async -> Result<ReplyRuleDryRunResult, OperatorError> {
        await firstAnswer { await $0.dryRun(pattern: pattern) }
    }

    /// The answer of the first node, in order, that gives one; else every node's failure.
    private func firstAnswer<T>(_ ask: (any ConsoleDataSource) async -> Result<T, OperatorError>) async -> Result<T, OperatorError> {
        var problems: [String] = []
        for member in members {
            switch await ask(member.source) {
            case .success(let answer): return .success(answer)
            case .failure(let error): problems.append("\(member.name): \(error.message)")
            }
        }
        return .failure(OperatorError(problems.isEmpty ? "no nodes" : problems.joined(separator: "; ")))
    }

    /// One answer for the per-node results: success naming every node when all succeeded,
    /// otherwise a failure naming the nodes that refused and the ones that accepted.
    static func combine(_ results: [(node: String, Result<String, OperatorError>)]) -> Result<String, OperatorError> {
        let failed = results.compactMap { node, r -> String? in
            if case .failure(let e) = r { return "\(node): \(e.message)" }
            return nil
        }
        let done = results.compactMap { node, r -> String? in
            if case .success = r { return node }
            return nil
        }
        if failed.isEmpty {
            let first = results.first.flatMap { try? $0.1.get() } ?? ""
            return .success("\(first) on \(done.count) node\(done.count == 1 ? "" : "s") (\(done.joined(separator: ", ")))")
        }
        let accepted = done.isEmpty ? "" : "; done on \(done.joined(separator: ", "))"
        return .failure(OperatorError(failed.joined(separator: "; ") + accepted))
    }
}
