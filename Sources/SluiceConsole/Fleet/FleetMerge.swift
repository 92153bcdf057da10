import SluiceBase
import SluiceControlProtocol

/// Merges the snapshots of several nodes into the one snapshot the console's views draw: every
/// node's rows side by side (the node of each row in ``FleetRowNodes``), status figures summed
/// into fleet totals, and each active control's id qualified with its node (`NODE:ID`) so that
/// undo reaches the node that holds it. Pure: no I/O, no clock.
public enum FleetMerge {
    /// Separates the node from a control's id in the merged snapshot.
    public static let controlIDSeparator: Character = ":"

    /// The merged snapshot of the nodes that have sent one (nil when none has), and the node of each row.
    public static func merge(_ nodes: [FleetNode]) -> (NodeSnapshot, FleetRowNodes)? {
        let reported = nodes.compactMap { node in node.snapshot.map { (node.name, $0) } }
        guard !reported.isEmpty else { return nil }
        var rows = FleetRowNodes()
        var domains: [DomainRow] = [], queues: [QueueRow] = [], vmtas: [VMTARow] = [], jobs: [JobRow] = []
        for (name, snapshot) in reported {
            domains += snapshot.domains
            rows.domains += Array(repeating: name, count: snapshot.domains.count)
            queues += snapshot.queues
            rows.queues += Array(repeating: name, count: snapshot.queues.count)
            vmtas += snapshot.vmtas
            rows.vmtas += Array(repeating: name, count: snapshot.vmtas.count)
            jobs += snapshot.jobs
            rows.jobs += Array(repeating: name, count: snapshot.jobs.count)
        }
        let status = totals(reported, fleetSize: nodes.count)
        return (NodeSnapshot(status: status, domains: domains, queues: queues, vmtas: vmtas, jobs: jobs), rows)
    }

    /// The control id `NODE:ID` split into node and the node's own id, or nil when it has no node.
    public static func split(controlID: String) -> (node: String, id: String)? {
        guard let i = controlID.firstIndex(of: controlIDSeparator) else { return nil }
        return (String(controlID[..<i]), String(controlID[controlID.index(after: i)...]))
    }

    private static func totals(_ reported: [(String, NodeSnapshot)], fleetSize: Int) -> StatusSnapshot {
        let all = reported.map(\.1.status)
        func sum<T: AdditiveArithmetic>(_ value: (StatusSnapshot) -> T) -> T { all.reduce(.zero) { $0 + value($1) } }
        let controls = reported.flatMap { name, snapshot in
            snapshot.status.controls.map { control in
                var c = control
                c.id = "\(name)\(controlIDSeparator)\(control.id)"
                return c
            }
        }
        let reputations = all.compactMap(\.reputation)
        let reputation = reputations.isEmpty ? nil : reputations.dropFirst().reduce(reputations[0], added)
        return StatusSnapshot(
            node: reported.count == 1 && fleetSize == 1 ? reported[0].0 : "fleet",
            uptimeS: all.map(\.uptimeS).max() ?? 0,
            queued: sum(\.queued),
            in: .init(msgs: sum(\.in.msgs), perS: sum(\.in.perS)),
            out: .init(delivered: sum(\.out.delivered), deferred: sum(\.out.deferred), bounced: sum(\.out.bounced),
                       perS: sum(\.out.perS), deferredPerS: sum(\.out.deferredPerS), bouncedPerS: sum(\.out.bouncedPerS),
                       refused: sum(\.out.refused), refusedPerS: sum(\.out.refusedPerS)),
            connections: .init(in: sum(\.connections.in), out: sum(\.connections.out)),
            spool: .init(bytes: sum(\.spool.bytes), freeBytes: sum(\.spool.freeBytes)),
            controls: controls,
            history: .init(in: elementwiseSum(all.map(\.history.in)), out: elementwiseSum(all.map(\.history.out))),
            reputation: reputation)
    }

    /// Two nodes' reputation totals added up.
    public static func added(_ a: ReputationTotals, _ b: ReputationTotals) -> ReputationTotals {
        func plus(_ x: [String: Int], _ y: [String: Int]) -> [String: Int] { x.merging(y, uniquingKeysWith: +) }
        return ReputationTotals(
            suppressed: a.suppressed + b.suppressed, suppressedLastMinute: a.suppressedLastMinute + b.suppressedLastMinute,
            suppressedHistory: elementwiseSum([a.suppressedHistory, b.suppressedHistory]), dsnsSent: a.dsnsSent + b.dsnsSent,
            dsnsLastMinute: a.dsnsLastMinute + b.dsnsLastMinute, dsnsByAction: plus(a.dsnsByAction, b.dsnsByAction),
            complaints: a.complaints + b.complaints, complaintsByType: plus(a.complaintsByType, b.complaintsByType),
            asyncBounces: a.asyncBounces + b.asyncBounces,
            asyncBouncesByCategory: plus(a.asyncBouncesByCategory, b.asyncBouncesByCategory),
            reportsUnparsed: a.reportsUnparsed + b.reportsUnparsed)
    }

    /// Per-second histories added second by second, aligned on the newest sample.
    public static func elementwiseSum(_ series: [[Int]]) -> [Int] {
        let length = series.map(\.count).max() ?? 0
        var out = Array(repeating: 0, count: length)
        for s in series {
            let offset = length - s.count
            for (i, v) in s.enumerated() { out[offset + i] += v }
        }
        return out
    }
}
