/// One job as the control plane shows it: its recipients' progress through every queue it has
/// mail in, and the pause on it.
public struct JobSnapshot: Hashable, Sendable {
    /// The job id (the X-Job header's value).
    public var id: String
    /// Recipients not final yet: queued, deferred or in flight.
    public var pending: Int
    /// Recipients injected since the node started (restored ones included).
    public var injected: Int
    /// Recipients delivered.
    public var delivered: Int
    /// Delivery attempts deferred.
    public var deferredAttempts: Int
    /// Recipients bounced.
    public var bounced: Int
    /// Recipients expired after bounce-after or max-smtp-retries.
    public var expired: Int
    /// Recipients deleted by an operator.
    public var deleted: Int
    /// Complaints about its messages.
    public var complained: Int
    /// Recipients refused at injection by the suppression list.
    public var suppressed: Int
    /// Recipients delivered per minute, over the last minute.
    public var deliveredPerMinute: Double
    /// The pause on it, if any.
    public var pausedBy: Control?
    /// When it was first seen.
    public var firstSeen: Instant
    /// When it last changed.
    public var lastActivity: Instant

    /// Final recipients (delivered, bounced, expired, deleted) over those and the pending ones,
    /// 0…1; 1 for a job with nothing left.
    public var progress: Double {
        let done = delivered + bounced + expired + deleted
        return done + pending == 0 ? 1 : Double(done) / Double(done + pending)
    }
}
