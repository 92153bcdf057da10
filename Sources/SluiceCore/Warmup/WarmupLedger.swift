import SluiceConfig

/// What the engine keeps of warm-up across a restart: each warming vmta's progress and the
/// cold members' counts of the day (the node writes it to the spool, see docs/config.md).
public struct WarmupLedger: Hashable, Sendable, Codable {
    /// Each warming vmta's progress, by vmta name order.
    public var progress: [WarmupProgress]
    /// Today's counts of the pools' cold members.
    public var cold: ColdLedger

    /// Creates a ledger.
    public init(progress: [WarmupProgress] = [], cold: ColdLedger = ColdLedger()) {
        self.progress = progress
        self.cold = cold
    }
}

/// One warming vmta as the control plane shows it (`sluice show warmup`, the console's VMTAs view).
public struct WarmupStatus: Hashable, Sendable {
    /// The vmta.
    public var vmta: String
    /// The schedule's name.
    public var schedule: String
    /// The step in force (1-based); above ``stepCount`` when complete.
    public var step: Int
    /// The schedule's steps.
    public var stepCount: Int
    /// Messages sent today.
    public var sentToday: Int
    /// Today's vmta-wide cap, or nil for none (complete, or a step without one).
    public var capToday: Int?
    /// Today's message rate per queue.
    public var rate: Rate
    /// Why the step holds, or nil.
    public var held: String?

    /// True once every step is done.
    public var isComplete: Bool { step > stepCount }
}
