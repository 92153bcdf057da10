/// An outbound connection, named by the engine.
public struct ConnectionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The raw number.
    public var raw: UInt64
    /// Creates an id.
    public init(_ raw: UInt64) { self.raw = raw }
    /// Ordered by number.
    public static func < (a: ConnectionID, b: ConnectionID) -> Bool { a.raw < b.raw }
    /// `c42`.
    public var description: String { "c\(raw)" }
}

/// One SMTP transaction, named by the engine.
public struct TransactionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The raw number.
    public var raw: UInt64
    /// Creates an id.
    public init(_ raw: UInt64) { self.raw = raw }
    /// Ordered by number.
    public static func < (a: TransactionID, b: TransactionID) -> Bool { a.raw < b.raw }
    /// `t42`.
    public var description: String { "t\(raw)" }
}

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
    /// The content size in bytes.
    public var size: Int
    /// The job id, if any.
    public var jobID: String?
}
