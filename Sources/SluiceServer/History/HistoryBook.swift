import SluiceControlProtocol

/// The last 24 hours of the node, one ``HistoryFrame`` per minute: what the console's Detail
/// graphs and its `[`/`]` time travel read. Pure and bounded: at most ``minutesKept`` frames,
/// each with the domains (the busiest ``HistoryFrame/maxDomains``), vmtas and jobs that were not
/// idle in its minute.
struct HistoryBook: Sendable {
    /// A day of minutes.
    static let minutesKept: Int64 = 1440

    /// The frames, oldest first, one per minute at most.
    private(set) var frames: [HistoryFrame] = []

    /// Adds `frame` (replacing one of the same minute; one older than the newest is placed in
    /// order) and forgets frames more than a day older than the newest.
    mutating func append(_ frame: HistoryFrame) {
        if let last = frames.last, last.minute >= frame.minute {
            let at = firstIndex(atOrAfter: frame.minute)
            if at < frames.count, frames[at].minute == frame.minute { frames[at] = frame } else { frames.insert(frame, at: at) }
        } else {
            frames.append(frame)
        }
        guard let newest = frames.last?.minute else { return }
        let cut = firstIndex(atOrAfter: newest - Self.minutesKept + 1)
        if cut > 0 { frames.removeFirst(cut) }
    }

    /// The frame of `minute`, or of the latest minute before it that has one; nil before the first.
    func frame(atOrBefore minute: Int64) -> HistoryFrame? {
        let at = minute == .max ? frames.count : firstIndex(atOrAfter: minute + 1)
        return at == 0 ? nil : frames[at - 1]
    }

    /// One point per minute from `since` to `until` (inclusive) for the named domain, vmta or
    /// job: its row, or zeros for a minute it was idle or not recorded.
    func series(_ kind: HistoryKind, _ name: String, since: Int64, until: Int64) -> [HistoryPoint] {
        guard until >= since, until - since < Self.minutesKept else { return [] }
        var points: [HistoryPoint] = []
        points.reserveCapacity(Int(until - since + 1))
        var i = firstIndex(atOrAfter: since)
        for minute in since...until {
            var row = HistoryRow(name: name)
            if i < frames.count, frames[i].minute == minute {
                row = frames[i].rows(kind).first { $0.name == name } ?? row
                i += 1
            }
            points.append(HistoryPoint(minute: minute, row: row))
        }
        return points
    }

    /// The index of the first frame at or after `minute` (binary search).
    private func firstIndex(atOrAfter minute: Int64) -> Int {
        var low = 0, high = frames.count
        while low < high {
            let mid = (low + high) / 2
            if frames[mid].minute < minute { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

extension HistoryFrame {
    /// The frame of the minute just ended, from a snapshot taken at its end: per-minute figures
    /// are the snapshot's rates over the last minute, queued what is queued now; idle rows are
    /// left out, and beyond ``maxDomains`` domains and ``maxJobs`` jobs the least busy; the
    /// totals are the sums over every domain.
    init(minute: Int64, snapshot: NodeSnapshot) {
        func state(_ f: QueueFigures) -> String {
            f.held ? "HELD" : f.paused ? "PAUSED" : f.mode == "backoff" ? "BACKOFF" : ""
        }
        func count(_ perMinute: Double) -> Int { Int(perMinute.rounded()) }
        let domains = snapshot.domains.map { d in
            HistoryRow(name: d.name, queued: d.figures.queued, delivered: count(d.figures.deliveredPerMin),
                       deferred: count(d.figures.deferredPerMin), bounced: count(d.figures.bouncedPerMin),
                       refused: count(d.figures.refusedPerMin), state: state(d.figures))
        }.filter { !$0.isIdle }
        let vmtas = snapshot.vmtas.map { v in
            HistoryRow(name: v.name, queued: v.queued, delivered: count(v.deliveredPerMin), deferred: count(v.deferredPerMin),
                       refused: count(v.refusedPerMin), state: v.paused ? "PAUSED" : "")
        }.filter { !$0.isIdle }
        let jobs = snapshot.jobs.map { j in
            HistoryRow(name: j.name, queued: j.queued, delivered: count(j.deliveredPerMin), state: j.paused ? "PAUSED" : "")
        }.filter { !$0.isIdle }
        let total = domains.reduce(into: HistoryRow(name: "")) { sum, row in
            sum.queued += row.queued
            sum.delivered += row.delivered
            sum.deferred += row.deferred
            sum.bounced += row.bounced
            sum.refused += row.refused
        }
        self.init(minute: minute, total: total, domains: Self.busiest(domains, limit: Self.maxDomains), vmtas: vmtas,
                  jobs: Self.busiest(jobs, limit: Self.maxJobs))
    }
}
