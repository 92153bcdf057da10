import SluiceConfig

/// Something worth showing in the event tail: a deferral, bounce or expiry with the remote reply,
/// a connection failure, a mode switch, a control.
public struct EngineEvent: Hashable, Sendable, CustomStringConvertible {
    /// The kinds of events.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// A recipient's attempt was deferred.
        case deferred
        /// A recipient bounced.
        case bounced
        /// A recipient expired (bounce-after).
        case expired
        /// A recipient was deleted by an operator.
        case deleted
        /// A connection could not be opened or broke.
        case connectionFailed = "connection-failed"
        /// The queue switched mode (backoff or normal).
        case modeChanged = "mode-changed"
        /// A control was added, removed or expired.
        case control
        /// `disable-source-ip` disabled a source address for the queue's destination.
        case sourceDisabled = "source-disabled"
        /// A disabled source address was enabled again (its duration passed).
        case sourceEnabled = "source-enabled"
        /// `backoff-reroute-to-virtual-mta` moved the queue's waiting mail to another vmta's queue.
        case rerouted
    }

    /// When.
    public var time: Instant
    /// What.
    public var kind: Kind
    /// The queue (its vmta is ``vmta``).
    public var queue: QueueKey
    /// The recipient, for recipient events.
    public var recipient: String?
    /// The full remote reply (dsnDiag) or a description of the event.
    public var detail: String
    /// The bounce category, for recipient events.
    public var category: BounceCategory?

    /// The queue's virtual MTA.
    public var vmta: String { queue.vmta }

    /// Creates an event.
    public init(time: Instant, kind: Kind, queue: QueueKey, recipient: String? = nil, detail: String,
                category: BounceCategory? = nil) {
        self.time = time
        self.kind = kind
        self.queue = queue
        self.recipient = recipient
        self.detail = detail
        self.category = category
    }

    /// `12.000 deferred gmail.com/vmta1 a@gmail.com policy-related: 421 4.7.0 Try later`.
    public var description: String {
        var s = "\(time) \(kind.rawValue) \(queue)"
        if let recipient { s += " \(recipient)" }
        if let category { s += " \(category.rawValue)" }
        return s + ": \(detail)"
    }
}

/// The engine's bounded ring of recent events.
typealias EventRing = BoundedRing<EngineEvent>
