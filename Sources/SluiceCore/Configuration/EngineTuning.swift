import SluiceConfig

/// Engine-wide knobs that are not `<domain>` directives.
public struct EngineTuning: Hashable, Sendable {
    /// Messages a queue may send back to back before max-msg-rate spacing applies (GCRA burst);
    /// 1 is perfectly smooth (at most 1,000,000).
    public var messageRateBurst: Int
    /// Outbound connections across all queues (`total-max-smtp-out`). Queues waiting for a
    /// connection slot are served round-robin.
    public var maxTotalConnections: Int
    /// When every connection slot is taken, a connection yields its slot after carrying this many
    /// messages if a queue holding fewer connections waits (turns, so no queue starves).
    public var slotQuantum: Int
    /// Events kept per queue.
    public var queueEventCapacity: Int
    /// Events kept engine-wide.
    public var globalEventCapacity: Int
    /// How often a queue's ready list is swept for recipients past bounce-after that were never
    /// attempted (deferred recipients expire exactly on time regardless).
    public var expirySweepInterval: TimeSpan

    /// Creates a tuning; the defaults suit production.
    public init(messageRateBurst: Int = 1, maxTotalConnections: Int = 2000, slotQuantum: Int = 100,
                queueEventCapacity: Int = 32,
                globalEventCapacity: Int = 1000, expirySweepInterval: TimeSpan = .minutes(1)) {
        self.messageRateBurst = min(max(1, messageRateBurst), 1_000_000)
        self.maxTotalConnections = max(1, maxTotalConnections)
        self.slotQuantum = max(1, slotQuantum)
        self.queueEventCapacity = max(1, queueEventCapacity)
        self.globalEventCapacity = max(1, globalEventCapacity)
        self.expirySweepInterval = expirySweepInterval
    }
}
