/// One job's figures and paused mail (a job is the X-Job header's value, PowerMTA's
/// `jobid-header`): what the Jobs view, `sluice show jobs` and `pause job` work from. A few
/// words per job (no per-second rings, unlike a queue's counters): a sender that gives every
/// message a job id of its own costs little.
struct JobLedger: Sendable {
    /// Recipients injected (restored ones included).
    var injected = 0
    /// Recipients delivered.
    var delivered = 0
    /// Delivery attempts deferred.
    var deferredAttempts = 0
    /// Recipients bounced.
    var bounced = 0
    /// Recipients expired.
    var expired = 0
    /// Deliveries per minute.
    var deliveryRate = MinuteRate()
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

/// A rate per minute from two counts: the current minute's and the previous one's; the rate at
/// an instant is the previous minute's count weighted by the part of it still inside the last 60 s,
/// plus the current minute's (the sliding-window estimate).
struct MinuteRate: Hashable, Sendable {
    private var minute: Int64 = .min
    private var current = 0
    private var previous = 0

    /// Counts `amount` at `ms`.
    mutating func add(_ amount: Int, atMs ms: Int64) {
        roll(to: floorDiv(ms, 60_000))
        current += amount
    }

    /// Events in the 60 s before `ms`, estimated.
    func perMinute(atMs ms: Int64) -> Double {
        var copy = self
        copy.roll(to: floorDiv(ms, 60_000))
        let elapsed = Double(floorMod(ms, 60_000)) / 60_000
        return Double(copy.previous) * (1 - elapsed) + Double(copy.current)
    }

    /// Moves to minute `now`; an earlier minute (a clock that stepped back) counts as the current one.
    private mutating func roll(to now: Int64) {
        guard now > minute else { return }
        previous = now == minute &+ 1 ? current : 0
        current = 0
        minute = now
    }
}

