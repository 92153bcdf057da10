/// An asynchronous bounce: the per-message fields of the report, each failed (or delayed,
/// delivered, …) recipient, and the original message's headers when the report returned them.
public struct BounceReport: Sendable, Equatable {
    /// Which form the bounce came in.
    public var format: BounceFormat
    /// The MTA that wrote the report (`Reporting-MTA`, without its `dns;` type), or the host a
    /// non-standard text names.
    public var reportingMTA: String?
    /// `Original-Envelope-Id`: the ENVID Sluice passed with the message, for matching.
    public var originalEnvelopeID: String?
    /// `Arrival-Date` as written in the report.
    public var arrivalDate: String?
    /// The recipients the report is about; never empty, every address valid.
    public var recipients: [BouncedRecipient]
    /// The original message's headers (`message/rfc822`, `text/rfc822-headers`, or the copy a
    /// non-standard bounce quotes after its text), when present.
    public var original: OriginalMessage?

    /// Builds a report.
    public init(
        format: BounceFormat,
        reportingMTA: String? = nil,
        originalEnvelopeID: String? = nil,
        arrivalDate: String? = nil,
        recipients: [BouncedRecipient],
        original: OriginalMessage? = nil
    ) {
        self.format = format
        self.reportingMTA = reportingMTA
        self.originalEnvelopeID = originalEnvelopeID
        self.arrivalDate = arrivalDate
        self.recipients = recipients
        self.original = original
    }
}

/// The form a bounce came in.
public enum BounceFormat: String, Sendable, Equatable, CaseIterable {
    /// RFC 3464 `message/delivery-status`.
    case rfc3464
    /// Postfix's text ("This is the mail system at host …") without a delivery-status part.
    case postfix
    /// qmail-send's text ("Hi. This is the qmail-send program at …").
    case qmail
    /// Exim's text ("This message was created automatically by mail delivery software.").
    case exim
    /// Exchange / Office 365 NDR text ("Delivery has failed to these recipients or groups:").
    case exchange
    /// Gmail's text ("Delivery to the following recipient failed permanently:").
    case gmail
    /// Yahoo's text ("Sorry, we were unable to deliver your message to the following address.").
    case yahoo
    /// Sendmail's text ("----- The following addresses had permanent fatal errors -----").
    case sendmail
}

/// One recipient of a bounce.
public struct BouncedRecipient: Sendable, Equatable {
    /// `Final-Recipient` (without its `rfc822;` type), or the address a text bounce names. Always
    /// a valid `local@domain`; when the report's Final-Recipient is not one, its valid
    /// `Original-Recipient` stands here.
    public var finalRecipient: String
    /// `Original-Recipient`: the ORCPT Sluice passed, when the reporter echoed it and it is a valid
    /// address.
    public var originalRecipient: String?
    /// What happened; `nil` when the report says neither `Action` nor a status class.
    public var action: DeliveryAction?
    /// `Status`, or the enhanced code found in a text bounce's reply.
    public var status: EnhancedStatus?
    /// `Diagnostic-Code` without its `smtp;` type, or a text bounce's reply text (one line).
    public var diagnosticCode: String?
    /// `Remote-MTA` without its `dns;` type.
    public var remoteMTA: String?
    /// `Last-Attempt-Date` as written.
    public var lastAttemptDate: String?

    /// Builds a recipient.
    public init(
        finalRecipient: String,
        originalRecipient: String? = nil,
        action: DeliveryAction?,
        status: EnhancedStatus?,
        diagnosticCode: String? = nil,
        remoteMTA: String? = nil,
        lastAttemptDate: String? = nil
    ) {
        self.finalRecipient = finalRecipient
        self.originalRecipient = originalRecipient
        self.action = action
        self.status = status
        self.diagnosticCode = diagnosticCode
        self.remoteMTA = remoteMTA
        self.lastAttemptDate = lastAttemptDate
    }

    /// The address Sluice sent to: the echoed ORCPT when present (the remote side may have
    /// rewritten the final recipient through an alias), else the final recipient.
    public var address: String { originalRecipient ?? finalRecipient }
}

/// RFC 3464 `Action`.
public enum DeliveryAction: String, Sendable, Equatable, CaseIterable {
    case failed, delayed, delivered, relayed, expanded

    /// The action a status class implies when the report gives none (5 failed, 4 delayed,
    /// 2 delivered).
    static func implied(by status: EnhancedStatus?) -> DeliveryAction? {
        switch status?.statusClass {
        case 5: .failed
        case 4: .delayed
        case 2: .delivered
        default: nil
        }
    }
}
