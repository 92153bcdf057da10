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
