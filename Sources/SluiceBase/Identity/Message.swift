import SluiceConfig

/// A message's identity, unique within one spool, increasing in order of acceptance.
public struct MessageID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The raw number.
    public var raw: UInt64
    /// Creates an id.
    public init(_ raw: UInt64) { self.raw = raw }
    public static func < (a: MessageID, b: MessageID) -> Bool { a.raw < b.raw }
    /// Sixteen hex digits, the form used in logs and accounting.
    public var description: String {
        let hex = String(raw, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// A delivery queue: one destination domain through one virtual MTA. Printed `domain/vmta`.
public struct QueueKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The destination domain, lowercased.
    public var domain: String
    /// The virtual MTA's name.
    public var vmta: String

    /// Creates a key; the domain is lowercased.
    public init(domain: String, vmta: String) {
        self.domain = domain.lowercased()
        self.vmta = vmta
    }

    /// Parses `domain/vmta`; nil when there is no slash.
    public init?(parsing text: String) {
        guard let slash = text.lastIndex(of: "/") else { return nil }
        let d = text[..<slash], v = text[text.index(after: slash)...]
        guard !d.isEmpty, !v.isEmpty else { return nil }
        self.init(domain: String(d), vmta: String(v))
    }

    public static func < (a: QueueKey, b: QueueKey) -> Bool { (a.domain, a.vmta) < (b.domain, b.vmta) }

    /// `domain/vmta`.
    public var description: String { "\(domain)/\(vmta)" }
}

/// An accepted message as the engine sees it: the envelope and where its content is stored.
/// The content itself stays in the spool.
public struct Message: Hashable, Sendable {
    /// The message's id.
    public var id: MessageID
    /// The envelope sender (MAIL FROM), empty for the null sender.
    public var sender: String
    /// The envelope recipients (RCPT TO), in the order given.
    public var recipients: [String]
    /// The size of the content in bytes.
    public var size: Int
    /// The job id from X-Job, if any.
    public var jobID: String?
    /// The virtual MTA chosen at injection (or the pool's member it was spread to).
    public var vmta: String
    /// When the message was accepted.
    public var receivedAt: Instant
    /// The spool's handle for the content (opaque to the engine).
    public var spoolReference: UInt64
    /// Delivered with VERP: the engine puts each recipient in a transaction of its own (whatever
    /// `max-rcpt-per-transaction` allows), so that each can carry its own envelope sender.
    public var verp: Bool

    /// Creates a message.
    public init(id: MessageID, sender: String, recipients: [String], size: Int, jobID: String? = nil,
                vmta: String, receivedAt: Instant, spoolReference: UInt64 = 0, verp: Bool = false) {
        self.id = id
        self.sender = sender
        self.recipients = recipients
        self.size = size
        self.jobID = jobID
        self.vmta = vmta
        self.receivedAt = receivedAt
        self.spoolReference = spoolReference
        self.verp = verp
    }
}

/// The domain part of an address, lowercased (`User@Example.COM` → `example.com`).
public func domainOf(_ address: String) -> String {
    guard let at = address.lastIndex(of: "@") else { return "" }
    return address[address.index(after: at)...].lowercased()
}
