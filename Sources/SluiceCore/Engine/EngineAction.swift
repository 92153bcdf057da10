import SluiceConfig

/// What the I/O layer must do after an input.
public enum EngineAction: Hashable, Sendable {
    /// Open an SMTP connection for the queue, then report ``DeliveryEngine/connectionOpened(_:now:)``
    /// or ``DeliveryEngine/connectionFailed(_:_:now:)``.
    case openConnection(ConnectionID, QueueKey)
    /// Run this transaction on its (open, idle) connection, then report
    /// ``DeliveryEngine/transactionCompleted(_:replies:now:)`` or ``DeliveryEngine/transactionFailed(_:_:now:)``.
    case startTransaction(Transaction)
    /// Close the connection (QUIT); the engine no longer counts it.
    case closeConnection(ConnectionID)
    /// A recipient's attempt ended or its life did: for accounting and the spool.
    case record(DeliveryRecord)
    /// Every recipient of the message is final: the spool may drop it.
    case messageFinished(MessageID, spoolReference: UInt64)
    /// A control was added (persist it).
    case controlAdded(Control)
    /// A control ended: released, cancelled, replaced or expired (forget it).
    case controlRemoved(Control, reason: ControlRemoval)
    /// `disable-source-ip` disabled a source address for a destination (log and publish it).
    case sourceDisabled(DisabledSource)
    /// A disabled source address was enabled again at the end of its duration (log and publish it).
    case sourceEnabled(DisabledSource)
    /// While throttles are shared: ask the fleet's store for message grants, then report
    /// ``DeliveryEngine/grantsReceived(_:_:now:)`` (with nothing granted when the store fails).
    case requestGrants(GrantRequest)
    /// While throttles are shared: ask the fleet's store for one connection lease, then report
    /// ``DeliveryEngine/leaseAnswered(_:granted:now:)``.
    case acquireLease(LeaseRequest)
    /// Give one of the queue's connection leases back to the fleet's store.
    case releaseLease(QueueKey)
}

/// Why a control ended.
public enum ControlRemoval: String, Hashable, Sendable, Codable {
    /// An operator released, resumed or cancelled it.
    case released
    /// A newer control of the same kind and target took its place.
    case replaced
    /// Its expiry passed.
    case expired
}

/// One recipient's outcome, in the terms of PowerMTA's accounting (d, b, t records).
public struct DeliveryRecord: Hashable, Sendable {
    /// The outcome.
    public enum Outcome: String, Hashable, Sendable, Codable {
        /// Accepted by the remote server (record type d).
        case delivered
        /// This attempt failed transiently; the recipient stays queued (record type t).
        case deferred
        /// Permanently failed (record type b).
        case bounced
        /// Past bounce-after (record type b, category message-expired).
        case expired
        /// Removed by an operator without a bounce.
        case deleted
    }

    /// The outcome.
    public var outcome: Outcome
    /// When.
    public var time: Instant
    /// The message.
    public var messageID: MessageID
    /// The recipient.
    public var recipient: String
    /// The recipient's index in the message's recipient list (what the spool's progress records use).
    public var recipientIndex: Int
    /// The envelope sender.
    public var sender: String
    /// The queue.
    public var queue: QueueKey
    /// The job id, if any.
    public var jobID: String?
    /// When the message was received (timeQueued).
    public var receivedAt: Instant
    /// The remote reply or the engine's reason (dsnDiag).
    public var diagnostic: String
    /// The enhanced status (dsnStatus), when known.
    public var status: String?
    /// The bounce category, for bounces, expiries and deferrals.
    public var category: BounceCategory?
    /// Attempts so far, this one included.
    public var attempts: Int
    /// For a deferral, when the next attempt is due.
    public var nextAttempt: Instant?
}
