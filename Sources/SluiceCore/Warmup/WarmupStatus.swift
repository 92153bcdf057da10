import SluiceConfig

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
}
