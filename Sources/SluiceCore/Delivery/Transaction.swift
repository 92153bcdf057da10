/// What the delivery client sends on a connection: MAIL FROM, the RCPT TOs (recipients of one
/// message, one queue, at most max-rcpt-per-transaction) and the content from the spool.
public struct Transaction: Hashable, Sendable {
    /// The transaction's id; report the outcome with it.
    public var id: TransactionID
    /// The connection to send it on.
    public var connection: ConnectionID
    /// The queue.
    public var queue: QueueKey
    /// The message.
    public var messageID: MessageID
    /// Where the content is.
    public var spoolReference: UInt64
    /// MAIL FROM.
    public var sender: String
    /// RCPT TO, in order; report one reply per recipient in the same order.
    public var recipients: [String]
    /// Each recipient's index in the message's recipient list, in the same order (what the
    /// spool's progress and the recipients' DSN parameters are keyed by).
    public var recipientIndexes: [Int]
    /// The content size in bytes.
    public var size: Int
    /// The job id, if any.
    public var jobID: String?
}
