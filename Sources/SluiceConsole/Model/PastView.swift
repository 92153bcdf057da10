import SluiceBase
import SluiceControlProtocol

/// The console looking at a past minute (`[` and `]`): the minute asked for, the history's frame
/// once fetched, and the live snapshot kept aside (live snapshots keep arriving and replace it,
/// so that leaving the past shows the present at once). Read-only while set.
public struct PastView: Hashable, Sendable {
    /// The minute shown, in minutes since the Unix epoch.
    public var minute: Int64
    /// The history's frame for it (or the latest before it), once fetched.
    public var frame: HistoryFrame?
    /// The newest live snapshot.
    public var live: NodeSnapshot?

    /// Creates the view of `minute`.
    public init(minute: Int64, live: NodeSnapshot?) {
        self.minute = minute
        self.live = live
    }

    /// `14:32Z`.
    public var clock: String { HistoryFrame.clock(ofMinute: minute) }
}

extension NodeSnapshot {
    /// What the tables show for a past minute: the frame's domains, vmtas and jobs as rows (the
    /// minute's counts as per-minute rates, queued at its end, the state word), the live status
    /// with the minute's totals; no queues, patterns or controls (the history keeps none).
    public static func past(_ frame: HistoryFrame, live: NodeSnapshot?) -> NodeSnapshot {
        func figures(_ r: HistoryRow) -> QueueFigures {
            QueueFigures(queued: r.queued, delivered: 0, deferred: 0, bounced: 0, connections: 0,
                         deliveredPerMin: Double(r.delivered), deferredPerMin: Double(r.deferred), bouncedPerMin: Double(r.bounced),
                         rateLimit: "", mode: r.state == "BACKOFF" ? "backoff" : "normal", held: r.state == "HELD",
                         paused: r.state == "PAUSED", why: "", lastError: "", refusedPerMin: Double(r.refused),
                         drainS: QueueFigures.drainSeconds(queued: r.queued, deliveredPerMin: Double(r.delivered)))
        }
        let sources = Dictionary((live?.vmtas ?? []).map { ($0.name, $0.source) }) { first, _ in first }
        var status = live?.status ?? StatusSnapshot(node: "", uptimeS: 0, queued: 0, in: .init(msgs: 0, perS: 0),
                                                     out: .init(delivered: 0, deferred: 0, bounced: 0, perS: 0, deferredPerS: 0, bouncedPerS: 0),
                                                     connections: .init(in: 0, out: 0),
                                                     spool: .init(bytes: 0, freeBytes: 0), controls: [], history: .init(in: [], out: []))
        status.queued = frame.total.queued
        status.out.perS = Double(frame.total.delivered) / 60
        status.out.deferredPerS = Double(frame.total.deferred) / 60
        status.out.bouncedPerS = Double(frame.total.bounced) / 60
        status.out.refusedPerS = Double(frame.total.refused) / 60
        status.connections = StatusSnapshot.Connections(in: 0, out: 0)
        status.controls = []
        return NodeSnapshot(
            status: status,
            domains: frame.domains.map { DomainRow(name: $0.name, figures: figures($0)) },
            queues: [],
            vmtas: frame.vmtas.map { v in
                VMTARow(name: v.name, source: sources[v.name] ?? "", paused: v.state == "PAUSED", connections: 0, queued: v.queued,
                        deliveredPerMin: Double(v.delivered), deferredPerMin: Double(v.deferred), busiestDomains: [],
                        refusedPerMin: Double(v.refused))
            },
            jobs: frame.jobs.map { j in
                JobRow(name: j.name, queued: j.queued, delivered: j.delivered, deferred: j.deferred, bounced: j.bounced, deleted: 0,
                       complained: 0, suppressed: 0, progress: 0, deliveredPerMin: Double(j.delivered), paused: j.state == "PAUSED",
                       pausedBy: nil, firstSeen: 0, lastActivity: 0)
            })
    }
}
