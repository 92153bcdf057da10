/// One job's figures and paused mail (a job is the X-Job header's value, PowerMTA's
/// `jobid-header`): what the Jobs view, `sluice show jobs` and `pause job` work from.
struct JobLedger: Sendable {
    /// Injected, delivered, deferred attempts, bounced and expired recipients, with rates.
    var counters = TrafficCounters()
    /// Recipients not final yet (queued, deferred or in flight).
    var pending = 0
    /// Recipients deleted by an operator.
    var deleted = 0
    /// Complaints (ARF reports) about its messages, as the node reports them.
    var complained = 0
    /// Recipients refused at injection because they are on the suppression list.
    var suppressed = 0
    /// When it was first seen (ms).
    var firstSeen: Int64
    /// When it last changed (ms): a ledger with nothing pending is forgotten after
    /// ``DeliveryEngine/jobRetentionMs`` without a change.
    var lastActivity: Int64
    /// Messages with ready recipients held back by a pause of the job: (queue, slot) pairs,
    /// pushed back on the queues' ready lists when the pause ends. Entries may be stale.
    var parked: [ParkedSlot] = []

    init(now: Int64) {
        firstSeen = now
        lastActivity = now
    }
}

/// A message slot taken off a queue's ready list while its job is paused.
struct ParkedSlot: Hashable, Sendable {
    var queue: UInt32
    var slot: UInt32
}
