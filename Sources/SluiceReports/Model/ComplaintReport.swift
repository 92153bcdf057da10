/// A feedback-loop complaint.
public struct ComplaintReport: Sendable, Equatable {
    /// Which feedback loop format the report came in.
    public var format: ComplaintFormat
    /// `Feedback-Type`; JMRP's older form, which has none, counts as `.abuse`.
    public var feedbackType: FeedbackType
    /// `User-Agent`.
    public var userAgent: String?
    /// `Version`.
    public var version: String?
    /// The complaining recipient, a valid `local@domain`, or `nil` when the report does not name
    /// exactly one (redacted, several `Original-Rcpt-To`, …): then nothing may be suppressed from
    /// it. Taken from `Original-Rcpt-To`, else `X-HmXmrOriginalRecipient`, else (ARF only) the
    /// attached original's `To:` when it holds exactly one valid address.
    public var originalRecipient: String?
    /// `Original-Mail-From` (JMRP's older form: the original's Return-Path), when a valid address.
    public var originalMailFrom: String?
    /// `Original-Envelope-Id`, when the reporter gives one.
    public var originalEnvelopeID: String?
    /// `Source-IP` (JMRP's older form: the IP in its Subject).
    public var sourceIP: String?
    /// `Arrival-Date`, or Yahoo's `Received-Date`, as written.
    public var arrivalDate: String?
    /// `Reporting-MTA` without its `dns;` type.
    public var reportingMTA: String?
    /// `Reported-Domain`.
    public var reportedDomain: String?
    /// The original message's headers, when attached.
    public var original: OriginalMessage?

    /// Builds a report.
    public init(
        format: ComplaintFormat,
        feedbackType: FeedbackType,
        userAgent: String? = nil,
        version: String? = nil,
        originalRecipient: String? = nil,
        originalMailFrom: String? = nil,
        originalEnvelopeID: String? = nil,
        sourceIP: String? = nil,
        arrivalDate: String? = nil,
        reportingMTA: String? = nil,
        reportedDomain: String? = nil,
        original: OriginalMessage? = nil
    ) {
        self.format = format
        self.feedbackType = feedbackType
        self.userAgent = userAgent
        self.version = version
        self.originalRecipient = originalRecipient
        self.originalMailFrom = originalMailFrom
        self.originalEnvelopeID = originalEnvelopeID
        self.sourceIP = sourceIP
        self.arrivalDate = arrivalDate
        self.reportingMTA = reportingMTA
        self.reportedDomain = reportedDomain
        self.original = original
    }
}

/// The feedback-loop format.
public enum ComplaintFormat: String, Sendable, Equatable, CaseIterable {
    /// RFC 5965 Abuse Reporting Format.
    case arf
    /// Microsoft's Junk Mail Reporting Program: either ARF sent by Microsoft, or the older form,
    /// the original attached with `X-HmXmrOriginalRecipient` in its headers.
    case jmrp
}

/// RFC 5965 `Feedback-Type` (with the types registered since: RFC 6430 `not-spam`, RFC 6591
/// `auth-failure`, and the draft-era `opt-out`).
public enum FeedbackType: Sendable, Hashable, CustomStringConvertible {
    case abuse, fraud, virus, other, notSpam, authFailure, optOut
    /// A type not registered, as written (lowercased).
    case unknown(String)

    /// Reads a field value, case-insensitively.
    public init(field: String) {
        switch field.trimmingWhitespace().lowercased() {
        case "abuse": self = .abuse
        case "fraud": self = .fraud
        case "virus": self = .virus
        case "other": self = .other
        case "not-spam": self = .notSpam
        case "auth-failure": self = .authFailure
        case "opt-out", "opt-out-list": self = .optOut
        case let value: self = .unknown(value)
        }
    }

    /// Whether the recipient complained about the message (abuse, fraud, virus, other): what
    /// complaint rates count and what suppresses. `not-spam` and `auth-failure` (a DMARC failure
    /// report, not a user's complaint) do not; `opt-out` is an unsubscribe request, for the caller
    /// to treat as such.
    public var countsAsComplaint: Bool {
        switch self {
        case .abuse, .fraud, .virus, .other: true
        case .notSpam, .authFailure, .optOut, .unknown: false
        }
    }

    /// The registered name, e.g. `abuse`, `not-spam`.
    public var description: String {
        switch self {
        case .abuse: "abuse"
        case .fraud: "fraud"
        case .virus: "virus"
        case .other: "other"
        case .notSpam: "not-spam"
        case .authFailure: "auth-failure"
        case .optOut: "opt-out"
        case .unknown(let value): value
        }
    }
}
