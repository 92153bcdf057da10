/// How the virtual MTA of an injected message is chosen.
public struct InjectionRoute: Hashable, Sendable {
    /// The X-Virtual-MTA header's value, if the message had one.
    public var requestedVMTA: String?
    /// Whether the source may choose the vmta (PowerMTA's `process-x-virtual-mta`).
    public var requestAllowed: Bool
    /// The source's `default-virtual-mta`, a vmta or a pool.
    public var defaultVMTA: String?

    /// Creates a route; with no names the vmta is `default`.
    public init(requestedVMTA: String? = nil, requestAllowed: Bool = false, defaultVMTA: String? = nil) {
        self.requestedVMTA = requestedVMTA
        self.requestAllowed = requestAllowed
        self.defaultVMTA = defaultVMTA
    }
}

/// A recipient's progress as persisted, for ``DeliveryEngine/restore(_:recipients:now:)``.
public struct RestoredRecipient: Hashable, Sendable {
    /// True when it was delivered, bounced, expired or deleted before the restart.
    public var isFinal: Bool
    /// Failed attempts so far.
    public var attempts: Int
    /// When the next attempt is due; nil or past means now.
    public var nextAttempt: Instant?

    /// Creates a restored recipient.
    public init(isFinal: Bool = false, attempts: Int = 0, nextAttempt: Instant? = nil) {
        self.isFinal = isFinal
        self.attempts = attempts
        self.nextAttempt = nextAttempt
    }
}

/// Why a message was refused.
public enum InjectionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The message has no recipients.
    case noRecipients
    /// More recipients than the engine can index.
    case tooManyRecipients
    /// A recipient address has no `@domain`.
    case recipientWithoutDomain(String)
    /// A message with this id is already queued.
    case duplicateMessage(MessageID)
    /// The vmta (or pool) named is not configured.
    case unknownVirtualMTA(String)
    /// The pool has no members.
    case emptyPool(String)
    /// Restored progress does not match the recipients.
    case recipientCountMismatch(expected: Int, found: Int)

    /// One line for the log or the SMTP reply.
    public var description: String {
        switch self {
        case .noRecipients: return "message has no recipients"
        case .tooManyRecipients: return "message has too many recipients"
        case .recipientWithoutDomain(let r): return "recipient '\(r)' has no domain"
        case .duplicateMessage(let id): return "message \(id) is already queued"
        case .unknownVirtualMTA(let v): return "unknown virtual MTA or pool '\(v)'"
        case .emptyPool(let p): return "virtual MTA pool '\(p)' has no members"
        case .recipientCountMismatch(let e, let f): return "expected progress for \(e) recipients, found \(f)"
        }
    }
}
