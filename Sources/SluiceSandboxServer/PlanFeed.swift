import SluiceConfig
import SluiceBase
import SluiceSandbox

/// Hands a ``TrafficPlan``'s messages to the generator's connections one at a time, each when it
/// is due on the clock. A connection asks for the next message only when it is free, so when the
/// MTA is slower than the plan the plan falls behind and skips slots (its `maximumLag`) rather
/// than queueing without bound.
actor PlanFeed {
    private var plan: TrafficPlan
    private let clock: any Clock
    private let counters: TrafficCounters

    init(plan: TrafficPlan, clock: any Clock, counters: TrafficCounters) {
        self.plan = plan
        self.clock = clock
        self.counters = counters
    }

    /// The next message once it is due; nil when the calling task is cancelled.
    func next() async -> PlannedMessage? {
        while !Task.isCancelled {
            let now = clock.now()
            let due = plan.due(at: now, limit: 1)
            let skipped = plan.skipped
            counters.update { $0.skipped = skipped }
            if let message = due.first { return message }
            let wait = max(1, (plan.nextDueAt - now).milliseconds)
            do {
                try await clock.sleep(until: now + TimeSpan(milliseconds: wait))
            } catch {
                return nil
            }
        }
        return nil
    }
}
