import SluiceBase

/// A recipient of a recovered message with its delivery state.
public struct RecoveredRecipient: Hashable, Sendable {
    /// Index in the envelope's recipient list.
    public var index: Int
    /// The recipient with its DSN parameters.
    public var recipient: SpoolRecipient
    /// Delivery attempts made so far.
    public var attempts: Int
    /// When the next attempt is due (nil: as soon as possible).
    public var nextAttempt: Instant?
    /// Whether a final outcome (delivered, bounced, expired, deleted) was recorded.
    public var isDone: Bool
}

/// A message that still has undelivered recipients, as rebuilt from the spool.
public struct RecoveredMessage: Hashable, Sendable {
    /// The message as the engine sees it (all recipients, in envelope order).
    public var message: Message
    /// The full envelope with its DSN parameters.
    public var envelope: SpoolEnvelope
    /// Every recipient with its state; the engine queues those with `isDone == false`.
    public var recipients: [RecoveredRecipient]

    /// The recipients still to deliver.
    public var pending: [RecoveredRecipient] { recipients.filter { !$0.isDone } }
}

/// What `Spool.open` found on disk.
public struct RecoveryReport: Sendable {
    /// Messages with undelivered recipients, in id order.
    public var messages: [RecoveredMessage]
    /// One line per damaged region: `FILE@OFFSET: reason`.
    public var warnings: [String]
    /// Segment files scanned.
    public var segmentsScanned: Int
    /// Bytes scanned.
    public var bytesScanned: Int64
    /// Intact records read.
    public var recordsRead: Int
    /// Messages found whose recipients were all finished (their storage is reclaimed).
    public var finishedMessages: Int
    /// The id the next accepted message gets.
    public var nextMessageID: MessageID

    /// Recipients of recovered messages, delivered or not.
    public var totalRecipients: Int { messages.reduce(0) { $0 + $1.recipients.count } }
    /// Recipients still to deliver.
    public var pendingRecipients: Int {
        messages.reduce(0) { sum, m in sum + m.recipients.reduce(0) { $0 + ($1.isDone ? 0 : 1) } }
    }
    /// Content bytes of the recovered messages.
    public var contentBytes: Int64 { messages.reduce(0) { $0 + Int64($1.message.size) } }
    /// When the oldest recovered message was accepted.
    public var oldestReceivedAt: Instant? { messages.lazy.map(\.message.receivedAt).min() }
}
