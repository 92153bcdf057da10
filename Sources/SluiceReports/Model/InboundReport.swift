/// What `ReportParser` made of one inbound message sent to a bounce or feedback-loop address.
///
/// The attribution rule: a `.bounce` always names at least one recipient whose address has the
/// shape `local@domain`, and only such addresses appear in it; a bounce that names none is
/// `.unparsed(.noRecipientAddress)`. A `.complaint` is returned even when the complaining
/// recipient cannot be named (the report is still a complaint about the original message and
/// counts toward complaint rates); its `originalRecipient` is then `nil`, and nothing may be
/// suppressed from it. An address is never taken from a value that is not one (`[redacted]`,
/// `undisclosed-recipients:;`, `xxxxxxxx`).
public enum InboundReport: Sendable, Equatable {
    /// A delivery status notification: an RFC 3464 `multipart/report; report-type=delivery-status`
    /// or one of the recognised non-standard bounce texts.
    case bounce(BounceReport)
    /// A feedback-loop complaint: ARF (RFC 5965) or Microsoft's JMRP.
    case complaint(ComplaintReport)
    /// A message that could not be read as either, with the reason.
    case unparsed(UnparsedReport)
}

/// A message that is not a readable bounce or complaint.
public struct UnparsedReport: Sendable, Equatable, CustomStringConvertible {
    /// Why the message could not be read.
    public var reason: UnparsedReason

    /// Wraps a reason.
    public init(reason: UnparsedReason) {
        self.reason = reason
    }

    /// The reason as one line, e.g. `broken MIME: boundary "b1" not found`.
    public var description: String { reason.description }
}

/// Why a message is `.unparsed`. The `description` is one line fit for an accounting record.
public enum UnparsedReason: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither a delivery-status nor a feedback-report part, nor a recognised bounce text.
    case noMachineReadablePart
    /// The message is a report, but names no recipient with a valid address.
    case noRecipientAddress
    /// The MIME structure cannot be followed (no end to the header section, a multipart without
    /// its boundary, …); the detail says what.
    case brokenMIME(String)
    /// A `message/delivery-status` or `message/feedback-report` part lacks what the format requires.
    case malformedReport(String)
    /// A `ReportLimits` bound was reached before anything readable was found.
    case limitExceeded(String)

    /// The reason as one line.
    public var description: String {
        switch self {
        case .noMachineReadablePart: "no machine-readable part"
        case .noRecipientAddress: "no recipient address"
        case .brokenMIME(let detail): "broken MIME: \(detail)"
        case .malformedReport(let detail): "malformed report: \(detail)"
        case .limitExceeded(let detail): "limit exceeded: \(detail)"
        }
    }
}
