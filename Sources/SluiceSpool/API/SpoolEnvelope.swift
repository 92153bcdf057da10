import SluiceBase

/// One envelope recipient with its DSN parameters (RFC 3461), stored verbatim.
public struct SpoolRecipient: Hashable, Sendable {
    /// The RCPT TO address.
    public var address: String
    /// The NOTIFY parameter as given (e.g. `SUCCESS,FAILURE`), if any.
    public var notify: String?
    /// The ORCPT parameter as given (e.g. `rfc822;user@example.com`), if any.
    public var originalRecipient: String?

    /// Creates a recipient.
    public init(address: String, notify: String? = nil, originalRecipient: String? = nil) {
        self.address = address
        self.notify = notify
        self.originalRecipient = originalRecipient
    }
}

/// What the SMTP layer hands the spool with a message's content: the envelope and its DSN parameters.
public struct SpoolEnvelope: Hashable, Sendable {
    /// MAIL FROM, empty for the null sender.
    public var sender: String
    /// RCPT TO, in the order given; recipient indexes in progress records refer to this order.
    public var recipients: [SpoolRecipient]
    /// The virtual MTA chosen at injection.
    public var vmta: String
    /// The job id (X-Job), if any.
    public var jobID: String?
    /// When the message was accepted.
    public var receivedAt: Instant
    /// The DSN RET parameter (`FULL` or `HDRS`), if given.
    public var ret: String?
    /// The DSN ENVID parameter, if given.
    public var envelopeID: String?
    /// Deliver with VERP (the source's `verp-default`, or `XVERP`): one recipient per transaction,
    /// each with its own envelope sender.
    public var verp: Bool
    /// The source's `suppress-local-dsn`: no DSN is generated for this message.
    public var suppressDSN: Bool

    /// Creates an envelope.
    public init(sender: String, recipients: [SpoolRecipient], vmta: String, jobID: String? = nil,
                receivedAt: Instant, ret: String? = nil, envelopeID: String? = nil, verp: Bool = false,
                suppressDSN: Bool = false) {
        self.sender = sender
        self.recipients = recipients
        self.vmta = vmta
        self.jobID = jobID
        self.receivedAt = receivedAt
        self.ret = ret
        self.envelopeID = envelopeID
        self.verp = verp
        self.suppressDSN = suppressDSN
    }
}
