import SluiceConfig
import SluiceBase

/// One recipient of an injected message with its DSN parameters.
public struct ReceivedRecipient: Hashable, Sendable {
    /// The address from RCPT TO.
    public var address: String
    /// NOTIFY and ORCPT.
    public var parameters: RecipientParameters

    /// Creates a recipient.
    public init(address: String, parameters: RecipientParameters = RecipientParameters()) {
        self.address = address
        self.parameters = parameters
    }
}

/// A message the injection server has read completely and wants stored.
public struct ReceivedMessage: Sendable {
    /// The client's address.
    public var clientAddress: IPAddress
    /// The address the message was received on (the listener's side of the connection), when
    /// known.
    public var serverAddress: IPAddress?
    /// The name the client gave in HELO/EHLO.
    public var heloName: String
    /// The user the client authenticated as, if any.
    public var authenticatedUser: String?
    /// The envelope sender, empty for the null sender.
    public var sender: String
    /// SIZE, BODY, RET and ENVID from MAIL FROM.
    public var mailParameters: MailParameters
    /// The accepted recipients in order, with NOTIFY and ORCPT.
    public var recipients: [ReceivedRecipient]
    /// The virtual MTA chosen by X-Virtual-MTA, a pattern rule or the source's default; nil
    /// leaves the choice to the router.
    public var virtualMTA: String?
    /// The job id from X-Job, if any.
    public var jobID: String?
    /// The content: unstuffed, CRLF line endings, the Received (and, as configured, Message-ID and
    /// Date) headers added, X-Job and a processed X-Virtual-MTA removed.
    public var content: [UInt8]
    /// When the end of data was read.
    public var receivedAt: Instant
    /// The source's `dkim-sign`: sign (or not) whatever the recipients' domains say; nil leaves
    /// it to them.
    public var dkimSign: Bool?
    /// The source's `suppress-local-dsn`: no DSN is generated for this message.
    public var suppressDSN = false
    /// Deliver with VERP: the source's `verp-default`, or `XVERP` on MAIL FROM.
    public var verp = false

    /// Creates a message.
    public init(clientAddress: IPAddress, heloName: String, authenticatedUser: String?, sender: String,
                mailParameters: MailParameters, recipients: [ReceivedRecipient], virtualMTA: String?,
                jobID: String?, content: [UInt8], receivedAt: Instant, serverAddress: IPAddress? = nil) {
        self.clientAddress = clientAddress
        self.serverAddress = serverAddress
        self.heloName = heloName
        self.authenticatedUser = authenticatedUser
        self.sender = sender
        self.mailParameters = mailParameters
        self.recipients = recipients
        self.virtualMTA = virtualMTA
        self.jobID = jobID
        self.content = content
        self.receivedAt = receivedAt
    }
}

/// What became of a message handed to a ``MessageReceiver``.
public enum ReceiveResult: Hashable, Sendable {
    /// Stored durably; the client gets `250 2.0.0 Ok: queued as <id>`.
    case accepted(MessageID)
    /// Not stored, try later (e.g. `452 4.3.1 Insufficient system storage`); sent as is.
    case temporaryFailure(SMTPReply)
    /// Refused for good (e.g. an unknown virtual MTA); sent as is.
    case permanentFailure(SMTPReply)
    /// Accepted but not stored, nothing left to deliver (e.g. every recipient is suppressed): the
    /// client gets this positive reply as is.
    case discarded(SMTPReply)
}

/// Takes accepted messages from the injection server (the spool, in `sluice serve`).
public protocol MessageReceiver: Sendable {
    /// Stores `message`. The server answers the client's end of data only after this returns.
    func receive(_ message: ReceivedMessage) async -> ReceiveResult
}
