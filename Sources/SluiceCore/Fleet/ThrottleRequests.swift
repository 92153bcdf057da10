import SluiceConfig

/// A queue asks the fleet's shared store for message grants: what ``SharedThrottleStore`` needs
/// to apply the queue's rate and caps for all nodes at once.
public struct GrantRequest: Hashable, Sendable {
    /// The queue; the same queue name on every node shares one rate and one set of caps.
    public var queue: QueueKey
    /// Grants wanted (a batch: the store may give fewer).
    public var count: Int
    /// The message interval in force in microseconds (max-msg-rate, or backoff-max-msg-rate in
    /// backoff); 0 without a rate.
    public var intervalMicroseconds: Int64
    /// Messages that may go back to back (the GCRA burst).
    public var burst: Int
    /// max-msg-per-hour; 0 is none.
    public var perHour: Int
    /// max-msg-per-day; 0 is none.
    public var perDay: Int

    /// Creates a request.
    public init(queue: QueueKey, count: Int, intervalMicroseconds: Int64, burst: Int, perHour: Int, perDay: Int) {
        self.queue = queue
        self.count = count
        self.intervalMicroseconds = intervalMicroseconds
        self.burst = burst
        self.perHour = perHour
        self.perDay = perDay
    }
}

/// The shared store's answer to a ``GrantRequest``.
public struct GrantAnswer: Hashable, Sendable {
    /// Messages granted (0 to the count asked).
    public var granted: Int
    /// When nothing was granted, how long until a grant is possible again.
    public var retryAfter: TimeSpan

    /// Creates an answer.
    public init(granted: Int, retryAfter: TimeSpan) {
        self.granted = granted
        self.retryAfter = retryAfter
    }
}

/// A queue asks for one more connection lease.
public struct LeaseRequest: Hashable, Sendable {
    /// The queue; the same queue name on every node shares one connection limit.
    public var queue: QueueKey
    /// The connection limit in force (max-smtp-out, max-smtp-out-per-ip or backoff-max-smtp-out).
    public var limit: Int

    /// Creates a request.
    public init(queue: QueueKey, limit: Int) {
        self.queue = queue
        self.limit = limit
    }
}
