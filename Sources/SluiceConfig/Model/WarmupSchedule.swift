import Foundation

/// A `<warmup-schedule NAME>` block: how a new sending address ramps up, day by day, and the
/// feedback that must stay good for it to move on (Sluice's own block; PowerMTA has none).
///
/// The schedule is either explicit steps (`day N max-msg 500/day max-msg-rate 5/s`, optionally per
/// domain) or a rule (`start-rate`, `daily-increase`, `ceiling`); ``step(_:)`` gives the limits of
/// any step either way. A vmta names it with `warmup-schedule NAME`.
public struct WarmupSchedule: Hashable, Sendable {
    /// How the steps are given.
    public enum Plan: Hashable, Sendable {
        /// Explicit steps, day 1 first.
        case steps([WarmupStep])
        /// A growth rule.
        case rule(WarmupRule)
    }

    /// The schedule's name.
    public var name: String
    /// The steps or the rule.
    public var plan: Plan
    /// The feedback limits that hold the schedule.
    public var thresholds: WarmupThresholds
    /// Where the block opens.
    public var location: SourceLocation

    /// Creates a schedule.
    public init(name: String, plan: Plan, thresholds: WarmupThresholds = WarmupThresholds(), location: SourceLocation) {
        self.name = name
        self.plan = plan
        self.thresholds = thresholds
        self.location = location
    }

    /// How many steps the schedule has; after the last one the warm-up is complete.
    public var stepCount: Int {
        switch plan {
        case .steps(let steps): return steps.count
        case .rule(let rule): return rule.stepCount
        }
    }

    /// The limits of step `number` (1-based), or nil outside 1...``stepCount``.
    public func step(_ number: Int) -> WarmupStep? {
        guard number >= 1, number <= stepCount else { return nil }
        switch plan {
        case .steps(let steps): return steps[number - 1]
        case .rule(let rule): return rule.step(number)
        }
    }
}

/// One step (one sending day) of a warm-up schedule.
public struct WarmupStep: Hashable, Sendable {
    /// `max-msg N/day` without a domain: messages the vmta may send that day over all domains;
    /// nil for no daily cap.
    public var maxMessages: Int?
    /// `max-msg-rate` without a domain: the message rate of each of the vmta's queues.
    public var maxMsgRate: Rate
    /// Limits for some destination domains only.
    public var domainLimits: [WarmupDomainLimit]

    /// Creates a step.
    public init(maxMessages: Int? = nil, maxMsgRate: Rate = .unlimited, domainLimits: [WarmupDomainLimit] = []) {
        self.maxMessages = maxMessages
        self.maxMsgRate = maxMsgRate
        self.domainLimits = domainLimits
    }

    /// The limit for destination `domain` (lower case), if the step names it.
    public func limit(forDomain domain: String) -> WarmupDomainLimit? {
        domainLimits.first { $0.domains.contains(domain) }
    }
}

/// A step's limits for some destination domains (`day 1 domain $yahoo max-msg 100/day`).
public struct WarmupDomainLimit: Hashable, Sendable {
    /// The domains, lower case, macros expanded.
    public var domains: [String]
    /// Messages a day to each of these domains; nil for no cap of its own.
    public var maxMessages: Int?
    /// The message rate of the queue of each of these domains.
    public var maxMsgRate: Rate

    /// Creates a domain limit.
    public init(domains: [String], maxMessages: Int? = nil, maxMsgRate: Rate = .unlimited) {
        self.domains = domains
        self.maxMessages = maxMessages
        self.maxMsgRate = maxMsgRate
    }
}

/// The feedback limits of a warm-up schedule, as fractions (0.1 is 10 %); nil for no limit.
public struct WarmupThresholds: Hashable, Sendable {
    /// `max-deferral-rate`: deferred attempts over all attempts of a sending day.
    public var maxDeferralRate: Double?
    /// `max-bounce-rate`: bounced recipients over all attempts of a sending day.
    public var maxBounceRate: Double?
    /// `max-complaint-rate`: complaints over delivered recipients of a sending day.
    public var maxComplaintRate: Double?

    /// Creates thresholds.
    public init(maxDeferralRate: Double? = nil, maxBounceRate: Double? = nil, maxComplaintRate: Double? = nil) {
        self.maxDeferralRate = maxDeferralRate
        self.maxBounceRate = maxBounceRate
        self.maxComplaintRate = maxComplaintRate
    }
}

/// A warm-up rule: `start-rate 5/s`, `daily-increase 10%`, `ceiling 200/s`, optionally
/// `start-max-msg 500/day`. Step n allows start × (1 + increase)^(n−1), the rate never above the
/// ceiling; the step where the rate reaches the ceiling is the last.
public struct WarmupRule: Hashable, Sendable {
    /// The message rate on day 1, per second.
    public var startPerSecond: Double
    /// The growth per step, as a fraction (0.1 is 10 %).
    public var dailyIncrease: Double
    /// The rate at which the warm-up is complete, per second.
    public var ceilingPerSecond: Double
    /// Messages on day 1 (growing as the rate does), or nil for no daily cap.
    public var startMaxMessages: Int?

    /// Creates a rule; `dailyIncrease` must be positive and the ceiling above the start.
    public init(startPerSecond: Double, dailyIncrease: Double, ceilingPerSecond: Double, startMaxMessages: Int? = nil) {
        self.startPerSecond = startPerSecond
        self.dailyIncrease = dailyIncrease
        self.ceilingPerSecond = ceilingPerSecond
        self.startMaxMessages = startMaxMessages
    }

    /// The number of steps: the first whose rate reaches the ceiling is the last.
    public var stepCount: Int {
        guard startPerSecond > 0, dailyIncrease > 0, ceilingPerSecond > startPerSecond else { return 1 }
        let steps = (log(ceilingPerSecond / startPerSecond) / log(1 + dailyIncrease)).rounded(.up)
        return Int(min(steps, 10_000)) + 1
    }

    /// The limits of step `number` (1-based).
    public func step(_ number: Int) -> WarmupStep {
        let growth = pow(1 + dailyIncrease, Double(max(0, number - 1)))
        let perSecond = min(ceilingPerSecond, startPerSecond * growth)
        let messages = startMaxMessages.map { Int((Double($0) * growth).rounded()) }
        return WarmupStep(maxMessages: messages, maxMsgRate: Self.rate(perSecond: perSecond))
    }

    /// A rate of `perSecond` messages a second: per second when whole, else per hour.
    static func rate(perSecond: Double) -> Rate {
        if perSecond == perSecond.rounded() { return .limited(count: Int(perSecond), per: .seconds(1)) }
        return .limited(count: max(1, Int((perSecond * 3600).rounded())), per: .hours(1))
    }
}
