/// Every `<mx-rollup-list>` entry in file order: which rolled-up queue a domain's mail shares,
/// given the domain's MX host names.
///
/// The lists are taken in the order their blocks open (file, line), each list's entries in its
/// own order; the first entry matching any of the domain's MX hosts names the queue, as PowerMTA
/// matches the MX host names against the rollup patterns. Queue names are lower case, like
/// every queue's domain part.
public struct MXRollupTable: Hashable, Sendable {
    /// The entries, first match first.
    public let entries: [MXRollupList.Entry]
    /// The names of the rolled-up queues.
    public let queueNames: Set<String>

    /// A table of `lists`' entries in file order.
    public init(_ lists: some Sequence<MXRollupList>) {
        let ordered = lists.sorted { $0.location < $1.location }
        entries = ordered.flatMap(\.entries).map { entry in
            var entry = entry
            entry.queueName = entry.queueName.lowercased()
            return entry
        }
        queueNames = Set(entries.map(\.queueName))
    }

    /// True when the configuration has no rollup entry (no lookup is needed).
    public var isEmpty: Bool { entries.isEmpty }

    /// The queue name of the first entry matching any of `exchanges` (MX host names, with or
    /// without the trailing dot), or nil when none matches.
    public func queueName(forExchanges exchanges: [String]) -> String? {
        guard !entries.isEmpty, !exchanges.isEmpty else { return nil }
        let hosts = exchanges.map { host -> String in
            var name = host.lowercased()
            while name.hasSuffix(".") { name.removeLast() }
            return name
        }
        for entry in entries where hosts.contains(where: entry.matches) { return entry.queueName }
        return nil
    }
}

extension ConfigModel {
    /// The `<mx-rollup-list>` entries of this configuration, in file order.
    public var mxRollupTable: MXRollupTable { MXRollupTable(mxRollupLists.values) }
}
