import SluiceBase

/// A delivery outcome for one recipient of one message, as recorded in the spool.
public struct RecipientProgress: Hashable, Sendable {
    /// What happened to the recipient.
    public enum Outcome: Hashable, Sendable {
        /// Accepted by the remote server (final).
        case delivered
        /// Rejected permanently (final).
        case bounced
        /// Expired in the queue (final).
        case expired
        /// Removed by an operator (final).
        case deleted
        /// Temporarily failed; retry at the given instant.
        case deferred(nextAttempt: Instant)

        /// Whether the recipient is finished with.
        public var isFinal: Bool {
            if case .deferred = self { return false }
            return true
        }
    }

    /// The message.
    public var message: MessageID
    /// The recipient's index in the envelope's recipient list.
    public var recipient: Int
    /// The outcome.
    public var outcome: Outcome
    /// Delivery attempts made so far, this one included.
    public var attempts: Int

    /// Creates a progress entry.
    public init(message: MessageID, recipient: Int, outcome: Outcome, attempts: Int) {
        self.message = message
        self.recipient = recipient
        self.outcome = outcome
        self.attempts = attempts
    }
}
