import SluiceConfig

/// Warm-up schedules and cold pool members in the engine: the caps of a warming vmta's current
/// step (messages a day, per vmta and per domain; a message rate on each of its queues), the day's
/// figures its schedule is judged by, and `max-cold-virtual-mta-msg` at the choice of a pool member.
/// Mail over a cap waits for the next UTC day; it never bounces.
extension DeliveryEngine {
    static let dayMs: Int64 = 86_400_000

    /// Ends the warm-up day when `now` is in a new UTC day: each warming vmta's step advances,
    /// holds or steps back, and the limits of its queues are recomputed. Cheap when the day is the same.
    mutating func rollWarmup(now: Int64) {
        let day = floorDiv(now, Self.dayMs)
        guard day != warmup.day else { return }
        for vmta in warmup.roll(to: day) {
            for q in queuesOfVMTA[vmta] ?? [] { refresh(q) }
        }
    }

    /// The warm-up cap that stops queue `q` now, with the instant it lifts; nil when none does.
    func warmupCap(_ q: UInt32, now: Int64) -> (limit: String, until: Int64)? {
        guard !warmup.steps.isEmpty else { return nil }
        let key = queues[Int(q)].key
        return warmup.capReached(vmta: key.vmta, domain: key.domain,
                                 dayEnd: (floorDiv(now, Self.dayMs) + 1) * Self.dayMs)
    }

    /// Counts a message started on queue `q` against its vmta's warm-up caps.
    mutating func noteWarmupSend(_ q: UInt32) {
        guard !warmup.progress.isEmpty else { return }
        let key = queues[Int(q)].key
        warmup.count(vmta: key.vmta) { $0.sent += 1; $0.sentByDomain[key.domain, default: 0] += 1 }
    }

    /// Counts recipient outcomes of queue `q` for its vmta's warm-up thresholds.
    mutating func noteWarmupOutcome(_ counter: StatCounter, _ amount: Int64, queue q: UInt32) {
        guard !warmup.progress.isEmpty else { return }
        let n = Int(amount)
        switch counter {
        case .delivered: warmup.count(vmta: queues[Int(q)].key.vmta) { $0.delivered += n }
        case .deferredAttempts: warmup.count(vmta: queues[Int(q)].key.vmta) { $0.deferred += n }
        case .bounced: warmup.count(vmta: queues[Int(q)].key.vmta) { $0.bounced += n }
        default: break
        }
    }

    /// `settings` with the warm-up step's message rate when it is stricter.
    func applyingWarmupRate(to settings: DomainSettings, key: QueueKey) -> DomainSettings {
        guard let rate = warmup.rate(vmta: key.vmta, domain: key.domain), let perSecond = rate.perSecond,
              perSecond < settings.maxMsgRate.value.perSecond ?? .infinity,
              let progress = warmup.progress[key.vmta] else { return settings }
        var settings = settings
        settings.maxMsgRate = Sourced(rate, .live("warmup-schedule \(progress.schedule) day \(progress.step)"))
        return settings
    }

    // MARK: - Inputs

    /// Counts `count` complaints (feedback-loop reports) against `vmta`'s warm-up day; nothing
    /// when the vmta is not warming.
    public mutating func noteComplaints(vmta: String, count: Int, now: Instant) {
        rollWarmup(now: now.milliseconds)
        warmup.count(vmta: vmta) { $0.complaints += count }
    }

    /// Marks `vmta` listed (or no longer listed) on a blocklist: while listed, its warm-up step
    /// holds and a sending day counts as bad. Safe for any name (nothing for a vmta not warming).
    public mutating func setListed(vmta: String, listed: Bool, now: Instant) {
        rollWarmup(now: now.milliseconds)
        guard var progress = warmup.progress[vmta], progress.listed != listed else { return }
        progress.listed = listed
        warmup.progress[vmta] = progress
        warmup.revision &+= 1
        warmup.milestone &+= 1
    }

    /// Brings back the warm-up state saved before a restart: progress of vmtas still on the same
    /// schedule, and the cold counts when they are of today.
    public mutating func restoreWarmup(_ ledger: WarmupLedger, now: Instant) -> [EngineAction] {
        var actions: [EngineAction] = []
        let ms = now.milliseconds
        for progress in ledger.progress where warmup.schedules[progress.vmta]?.name == progress.schedule {
            warmup.progress[progress.vmta] = progress
        }
        warmup.cold = ledger.cold
        warmup.day = .min
        rollWarmup(now: ms)
        warmup.milestone &+= 1
        for q in queues.indices {
            refresh(UInt32(q))
            service(UInt32(q), now: ms, into: &actions)
        }
        finishInput(now: ms, into: &actions)
        return actions
    }

    // MARK: - Reading

    /// What the node saves so that warm-up survives a restart.
    public var warmupLedger: WarmupLedger {
        WarmupLedger(progress: warmup.progress.values.sorted { $0.vmta < $1.vmta }, cold: warmup.cold)
    }

    /// Changes with every warm-up change (each message counted included).
    public var warmupRevision: UInt64 { warmup.revision }

    /// Changes when a step, a hold or a listing changes: the ledger is worth saving at once.
    public var warmupMilestone: UInt64 { warmup.milestone }

    /// Each warming vmta's place in its schedule at `now`, by vmta name.
    public func warmupStatus(now: Instant) -> [WarmupStatus] {
        let today = floorDiv(now.milliseconds, Self.dayMs)
        return warmup.schedules.keys.sorted().compactMap { vmta -> WarmupStatus? in
            guard let schedule = warmup.schedules[vmta] else { return nil }
            // As the day will be judged at its first input, when none came since midnight.
            var progress = warmup.progress[vmta] ?? WarmupProgress(vmta: vmta, schedule: schedule.name, day: today)
            progress.advance(to: today, thresholds: schedule.thresholds, stepCount: schedule.stepCount)
            let step = schedule.step(progress.step)
            return WarmupStatus(vmta: vmta, schedule: schedule.name, step: progress.step, stepCount: schedule.stepCount,
                                sentToday: progress.today.sent,
                                capToday: step?.maxMessages, rate: step?.maxMsgRate ?? .unlimited,
                                held: progress.holdReason)
        }
    }
}
