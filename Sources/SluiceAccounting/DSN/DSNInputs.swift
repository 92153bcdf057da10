import SluiceCore

/// Who reports: the node's `host-name` and the `postmaster` directive.
public struct DSNReporter: Hashable, Sendable {
    /// The reporting MTA's host name (`Reporting-MTA: dns; …`).
    public var hostName: String
    /// The `postmaster` address DSNs come from; `MAILER-DAEMON@host-name` when nil.
    public var postmaster: String?

    /// Creates a reporter.
    public init(hostName: String, postmaster: String? = nil) {
        self.hostName = hostName
        self.postmaster = postmaster
    }

    /// The `From:` address of the DSNs.
    public var fromAddress: String { postmaster ?? "MAILER-DAEMON@\(hostName)" }
}

/// The message a DSN reports on.
public struct ReportedMessage: Hashable, Sendable {
    /// The envelope sender the DSN goes to; empty for the null sender, which never gets one.
    public var sender: String
    /// Sluice's id for the message.
    public var messageID: MessageID
    /// When it was received (`Arrival-Date`).
    public var arrivalDate: Instant
    /// `ENVID=` from `MAIL FROM`, if given (`Original-Envelope-Id`).
    public var envelopeID: String?
    /// `RET=` from `MAIL FROM`, if given; headers only when nil.
    public var ret: DSNReturn?
    /// The message as stored: headers, blank line, body (LF or CRLF line endings).
    public var content: [UInt8]

    /// Creates a reported message.
    public init(sender: String, messageID: MessageID, arrivalDate: Instant, envelopeID: String? = nil,
                ret: DSNReturn? = nil, content: [UInt8]) {
        self.sender = sender
        self.messageID = messageID
        self.arrivalDate = arrivalDate
        self.envelopeID = envelopeID
        self.ret = ret
        self.content = content
    }
}

/// One recipient a DSN reports on.
public struct ReportedRecipient: Hashable, Sendable {
    /// The recipient address (`Final-Recipient`).
    public var recipient: String
    /// `ORCPT=` from `RCPT TO` as given, e.g. `rfc822;a@b.example` (`Original-Recipient`).
    public var originalRecipient: String?
    /// `NOTIFY=` from `RCPT TO`, if given; ``DSNNotify/default`` when nil.
    public var notify: DSNNotify?
    /// The enhanced status code (`Status`).
    public var status: String?
    /// The remote reply or the reason (`Diagnostic-Code: smtp; …`).
    public var diagnostic: String
    /// The remote MTA's host name (`Remote-MTA: dns; …`), if a server answered.
    public var remoteMTA: String?
    /// The last attempt (`Last-Attempt-Date`).
    public var lastAttempt: Instant
    /// For a delay report: until when delivery will be retried (`Will-Retry-Until`).
    public var willRetryUntil: Instant?

    /// Creates a reported recipient.
    public init(recipient: String, originalRecipient: String? = nil, notify: DSNNotify? = nil, status: String?,
                diagnostic: String, remoteMTA: String? = nil, lastAttempt: Instant, willRetryUntil: Instant? = nil) {
        self.recipient = recipient
        self.originalRecipient = originalRecipient
        self.notify = notify
        self.status = status
        self.diagnostic = diagnostic
        self.remoteMTA = remoteMTA
        self.lastAttempt = lastAttempt
        self.willRetryUntil = willRetryUntil
    }

    /// The recipient of an engine outcome: its address, status, diagnostic and time. An expiry
    /// without a permanent status gets `5.4.7` (delivery time expired, RFC 3463).
    public init(_ record: DeliveryRecord, remoteMTA: String? = nil, originalRecipient: String? = nil,
                notify: DSNNotify? = nil, willRetryUntil: Instant? = nil) {
        let expired = record.outcome == .expired && record.status?.hasPrefix("5.") != true
        self.init(recipient: record.recipient, originalRecipient: originalRecipient, notify: notify,
                  status: expired ? "5.4.7" : record.status, diagnostic: record.diagnostic, remoteMTA: remoteMTA,
                  lastAttempt: record.time, willRetryUntil: willRetryUntil)
    }

    /// Whether this recipient asked for (or by default gets) a report of `kind`.
    func wants(_ kind: DSNNotify) -> Bool { (notify ?? .default).contains(kind) }
}
