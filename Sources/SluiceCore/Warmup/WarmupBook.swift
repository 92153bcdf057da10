import SluiceConfig

/// The engine's warm-up bookkeeping: the schedules of the configured vmtas, each warming vmta's
/// ``WarmupProgress`` with the limits of its current step, and the cold members' ledger.
struct WarmupBook: Sendable {
    /// vmta → its schedule, from the configuration.
    var schedules: [String: WarmupSchedule] = [:]
    /// vmta → its progress.
    var progress: [String: WarmupProgress] = [:]
    /// vmta → the limits in force (absent: complete, no caps).
    var steps: [String: WarmupStep] = [:]
    /// The pools' cold members' counts of the day.
    var cold = ColdLedger()
    /// The UTC day the progress was last brought to.
    var day: Int64 = .min
    /// Bumped on every change (a message counted included).
    var revision: UInt64 = 0
    /// Bumped when a step, a hold or a listing changes, or a ledger is restored: worth writing at once.
    var milestone: UInt64 = 0

    /// The schedules of `configuration`'s vmtas; progress of vmtas that lost their schedule (or
    /// changed it) is dropped.
    mutating func configure(_ configuration: any EngineConfiguration) {
        schedules = [:]
        for vmta in configuration.virtualMTANames {
            if let schedule = configuration.warmupSchedule(forVMTA: vmta) { schedules[vmta] = schedule }
        }
        progress = progress.filter { schedules[$0.key]?.name == $0.value.schedule }
        refreshSteps()
    }

    /// Brings every warming vmta to `day`: starts the ones without progress, ends the days before.
    /// Returns the vmtas whose limits may have changed.
    mutating func roll(to day: Int64) -> [String] {
        guard day != self.day else { return [] }
        self.day = day
        cold.roll(to: day)
        var changed: [String] = []
        for (vmta, schedule) in schedules {
            var p = progress[vmta] ?? WarmupProgress(vmta: vmta, schedule: schedule.name, day: day)
            if p.advance(to: day, thresholds: schedule.thresholds, stepCount: schedule.stepCount) {
                milestone &+= 1
            }
            if progress[vmta] != p { changed.append(vmta) }
            progress[vmta] = p
        }
        revision &+= 1
        refreshSteps()
        return changed
    }

    /// The limits of each vmta's current step.
    mutating func refreshSteps() {
        steps = [:]
        for (vmta, schedule) in schedules {
            let step = progress[vmta]?.step ?? 1
            steps[vmta] = schedule.step(step)
        }
    }

    /// Applies `change` to `vmta`'s counts of today, when it is warming.
    mutating func count(vmta: String, _ change: (inout WarmupDayCounts) -> Void) {
        guard var p = progress.removeValue(forKey: vmta) else { return }
        change(&p.today)
        progress[vmta] = p
        revision &+= 1
    }

    /// When `vmta` may not start another message for `domain` today: the end of the day; nil
    /// when it may (or is not warming).
    func capReached(vmta: String, domain: String, dayEnd: Int64) -> (limit: String, until: Int64)? {
        guard let step = steps[vmta], let today = progress[vmta]?.today else { return nil }
        if let cap = step.maxMessages, today.sent >= cap { return ("\(cap)/day", dayEnd) }
        if let limit = step.limit(forDomain: domain), let cap = limit.maxMessages,
           today.sentByDomain[domain, default: 0] >= cap {
            return ("\(cap)/day to \(domain)", dayEnd)
        }
        return nil
    }

    /// The message rate `vmta`'s step sets for its queue of `domain`: the stricter of the step's
    /// and the domain's own; nil when the step sets none.
    func rate(vmta: String, domain: String) -> Rate? {
        guard let step = steps[vmta] else { return nil }
        let rates = [step.maxMsgRate, step.limit(forDomain: domain)?.maxMsgRate ?? .unlimited]
        return rates.filter { $0 != .unlimited }.min { ($0.perSecond ?? .infinity) < ($1.perSecond ?? .infinity) }
    }
}
