import SluiceControlProtocol
import SluiceCore

extension ReputationStats {
    /// `snapshot` with the reputation figures at `now`: each domain, queue and vmta row gets its
    /// own complaint figures (nil for a row with no event in 24 hours), the status the node-wide
    /// totals.
    func annotated(_ snapshot: NodeSnapshot, at now: Instant) -> NodeSnapshot {
        var out = snapshot
        out.status.reputation = totals(at: now)
        for i in out.domains.indices {
            out.domains[i].figures.complaints = figures(domain: out.domains[i].name, at: now)
        }
        for i in out.queues.indices {
            let row = out.queues[i]
            out.queues[i].figures.complaints = figures(queue: QueueKey(domain: row.domain, vmta: row.vmta), at: now)
        }
        for i in out.vmtas.indices {
            out.vmtas[i].complaints = figures(vmta: out.vmtas[i].name, at: now)
        }
        return out
    }

    /// The Detail view's reputation section of a domain, or of one of its queues when `vmta` is
    /// given: the figures and the recent complaints and asynchronous bounces as events.
    func detail(domain: String, vmta: String?, at now: Instant) -> SettingsSnapshot.Reputation {
        let shown = vmta.map { self.figures(queue: QueueKey(domain: domain, vmta: $0), at: now) } ?? self.figures(domain: domain, at: now)
        let events = recent(domain: domain, vmta: vmta).map { note in
            EventRecord(time: Double(note.time.milliseconds) / 1000, kind: note.kind.rawValue,
                        queue: "\(domain.lowercased())/\(note.vmta)", recipient: note.recipient, code: note.code,
                        dsnDiag: note.detail, category: note.category)
        }
        return SettingsSnapshot.Reputation(figures: shown, recent: events)
    }
}
