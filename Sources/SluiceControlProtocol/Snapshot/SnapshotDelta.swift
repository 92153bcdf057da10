/// What changed between two ``NodeSnapshot``s, sent to socket subscribers as
/// `{"type":"snapshot-delta",…}` instead of a full snapshot: the status, the rows that are new or
/// differ from the last sent ones (by name), and the names of the rows that went away.
///
/// Row order is part of the snapshot: ``applied(to:)`` keeps the base's order, replaces changed
/// rows in place, drops removed ones and appends new ones in the delta's order.
/// ``between(_:_:)`` only produces a delta when that rule rebuilds the next snapshot exactly
/// (otherwise the caller sends a full snapshot), so a merged snapshot always equals the node's.
public struct SnapshotDelta: Codable, Hashable, Sendable {
    /// Node-wide figures (always sent whole: they change every second).
    public var status: StatusSnapshot
    /// Domain rows that are new or changed.
    public var domains: [DomainRow]
    /// Names of domain rows that went away.
    public var removedDomains: [String]
    /// Queue rows that are new or changed.
    public var queues: [QueueRow]
    /// Names (`domain/vmta`) of queue rows that went away.
    public var removedQueues: [String]
    /// VMTA rows that are new or changed.
    public var vmtas: [VMTARow]
    /// Names of VMTA rows that went away.
    public var removedVMTAs: [String]
    /// The reply templates, sent whole (bounded, and their counts move every second); nil when
    /// unchanged.
    public var patterns: [PatternRow]?
    /// The job rows, sent whole (bounded); nil when unchanged.
    public var jobs: [JobRow]?

    /// Creates a delta.
    public init(status: StatusSnapshot, domains: [DomainRow] = [], removedDomains: [String] = [],
                queues: [QueueRow] = [], removedQueues: [String] = [], vmtas: [VMTARow] = [], removedVMTAs: [String] = [],
                patterns: [PatternRow]? = nil, jobs: [JobRow]? = nil) {
        self.status = status
        self.domains = domains
        self.removedDomains = removedDomains
        self.queues = queues
        self.removedQueues = removedQueues
        self.vmtas = vmtas
        self.removedVMTAs = removedVMTAs
        self.patterns = patterns
        self.jobs = jobs
    }

    enum CodingKeys: String, CodingKey {
        case status, domains, queues, vmtas, patterns, jobs
        case removedDomains = "removed_domains"
        case removedQueues = "removed_queues"
        case removedVMTAs = "removed_vmtas"
    }

    /// The delta that turns `base` into `next`, or nil when a full snapshot must be sent instead
    /// (duplicate row names, or an order the merge rule cannot rebuild).
    public static func between(_ base: NodeSnapshot, _ next: NodeSnapshot) -> SnapshotDelta? {
        guard let d = changes(base.domains, next.domains, name: \.name),
              let q = changes(base.queues, next.queues, name: \.name),
              let v = changes(base.vmtas, next.vmtas, name: \.name) else { return nil }
        let delta = SnapshotDelta(status: next.status, domains: d.changed, removedDomains: d.removed,
                                  queues: q.changed, removedQueues: q.removed, vmtas: v.changed, removedVMTAs: v.removed,
                                  patterns: base.patterns == next.patterns ? nil : next.patterns,
                                  jobs: base.jobs == next.jobs ? nil : next.jobs)
        guard delta.applied(to: base) == next else { return nil }
        return delta
    }

    /// `base` with this delta merged in.
    public func applied(to base: NodeSnapshot) -> NodeSnapshot {
        NodeSnapshot(status: status,
                     domains: Self.merge(base.domains, changed: domains, removed: removedDomains, name: \.name),
                     queues: Self.merge(base.queues, changed: queues, removed: removedQueues, name: \.name),
                     vmtas: Self.merge(base.vmtas, changed: vmtas, removed: removedVMTAs, name: \.name),
                     patterns: patterns ?? base.patterns, jobs: jobs ?? base.jobs)
    }

    /// Rows of `new` that are absent from or differ from `old`, and names of `old` rows absent
    /// from `new`; nil when a name appears twice in either.
    static func changes<Row: Hashable>(_ old: [Row], _ new: [Row], name: (Row) -> String) -> (changed: [Row], removed: [String])? {
        var oldByName = [String: Row](minimumCapacity: old.count)
        for row in old {
            if oldByName.updateValue(row, forKey: name(row)) != nil { return nil }
        }
        var seen = Set<String>(minimumCapacity: new.count)
        var changed: [Row] = []
        for row in new {
            let n = name(row)
            guard seen.insert(n).inserted else { return nil }
            if oldByName[n] != row { changed.append(row) }
        }
        let removed = old.lazy.map(name).filter { !seen.contains($0) }
        return (changed, Array(removed))
    }

    /// `base` without the `removed` rows, with `changed` rows replacing same-named ones in place
    /// and the others appended in their order.
    static func merge<Row>(_ base: [Row], changed: [Row], removed: [String], name: (Row) -> String) -> [Row] {
        if changed.isEmpty && removed.isEmpty { return base }
        let removedNames = Set(removed)
        var pending = [String: Row](minimumCapacity: changed.count)
        for row in changed { pending[name(row)] = row }
        var out: [Row] = []
        out.reserveCapacity(base.count + changed.count)
        for row in base {
            let n = name(row)
            if removedNames.contains(n) { continue }
            out.append(pending.removeValue(forKey: n) ?? row)
        }
        for row in changed {
            if let fresh = pending.removeValue(forKey: name(row)) { out.append(fresh) }
        }
        return out
    }
}
