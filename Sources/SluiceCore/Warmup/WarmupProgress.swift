import SluiceConfig

/// One vmta's place in its warm-up schedule: the pure state machine behind `warmup-schedule`.
///
/// The day counter (``step``) advances when a UTC day ends on which the vmta sent mail and its
/// feedback stayed good (every threshold of the schedule met, not listed on a blocklist). A bad
/// sending day holds the step; a second bad sending day in a row steps back one step. A day
/// without mail changes nothing. After the schedule's last step the warm-up is complete and no
/// cap applies.
public struct WarmupProgress: Hashable, Sendable, Codable {
    /// The vmta.
    public var vmta: String
    /// The schedule's name.
    public var schedule: String
    /// The step in force, from 1; past the last step the warm-up is complete.
    public var step = 1
    /// The UTC day (days since 1970-01-01) that ``today`` counts.
    public var day: Int64
    /// The figures of ``day`` so far.
    public var today = WarmupDayCounts()
    /// Consecutive sending days over a threshold, up to the latest finished one.
    public var badDays = 0
    /// Why the step did not advance when the last sending day ended, or nil when it did.
    public var held: String?
    /// Listed on a blocklist (set by a blocklist watch): the step holds meanwhile.
    public var listed = false

    /// A vmta starting its schedule at step 1 on `day`.
    public init(vmta: String, schedule: String, day: Int64) {
        self.vmta = vmta
        self.schedule = schedule
        self.day = day
    }

    /// True once every step is done.
    public func isComplete(stepCount: Int) -> Bool { step > stepCount }

    /// Ends ``day`` and every day up to `newDay` (exclusive), judging the day that ended with
    /// `thresholds`; nothing when `newDay` is not later.
    ///
    /// - Returns: true when the step or the reason it holds changed.
    @discardableResult
    public mutating func advance(to newDay: Int64, thresholds: WarmupThresholds, stepCount: Int) -> Bool {
        guard newDay > day else { return false }
        let before = (step, held)
        defer {
            day = newDay
            today = WarmupDayCounts()
        }
        guard today.sent > 0 else { return false }
        if let why = today.crossing(thresholds) ?? (listed ? "listed on a blocklist" : nil) {
            badDays += 1
            if badDays >= 2 {
                step = max(1, step - 1)
                badDays = 0
                held = "stepped back: \(why)"
            } else {
                held = why
            }
        } else {
            badDays = 0
            held = nil
            if step <= stepCount { step += 1 }
        }
        return before != (step, held)
    }

    /// Why the step holds now: listed, or the last sending day's reason; nil when it is moving.
    public var holdReason: String? {
        listed ? "listed on a blocklist" : held
    }
}
