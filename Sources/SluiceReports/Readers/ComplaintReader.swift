/// Reads complaints: ARF (RFC 5965) `message/feedback-report` parts, and Microsoft JMRP's older
/// form (the original attached, the complaining address in `X-HmXmrOriginalRecipient`).
enum ComplaintReader {
    private static let jmrpRecipientField = "X-HmXmrOriginalRecipient"
    private static let jmrpSender = "staff@hotmail.com"

    /// An ARF report from its feedback-report fields, the message's own headers and the attached
    /// original; `.failure` when `Feedback-Type` is missing.
    static func arf(fields: [HeaderField], top: HeaderSection, original: OriginalMessage?) -> Result<ComplaintReport, UnparsedReason> {
        guard let type = fields.value("Feedback-Type") else {
            return .failure(.malformedReport("message/feedback-report without Feedback-Type"))
        }
        let userAgent = fields.value("User-Agent")
        let isMicrosoft = isFromMicrosoft(top: top, original: original)
            || userAgent.map { $0.lowercased().contains("hotmail") || $0.lowercased().contains("microsoft") } == true
        return .success(ComplaintReport(
            format: isMicrosoft ? .jmrp : .arf,
            feedbackType: FeedbackType(field: type),
            userAgent: userAgent,
            version: fields.value("Version"),
            originalRecipient: recipient(fields: fields, top: top, original: original, mayUseTo: !isMicrosoft),
            originalMailFrom: fields.value("Original-Mail-From").flatMap(MailAddress.single(in:)),
            originalEnvelopeID: fields.value("Original-Envelope-Id"),
            sourceIP: fields.value("Source-IP"),
            arrivalDate: fields.value("Arrival-Date") ?? fields.value("Received-Date"),
            reportingMTA: fields.value("Reporting-MTA")?.withoutValueType,
            reportedDomain: fields.value("Reported-Domain"),
            original: original
        ))
    }

    /// JMRP's older form: no feedback-report part, the original attached (or the report being the
    /// original itself, forwarded as is) with `X-HmXmrOriginalRecipient`, or a message from
    /// staff@hotmail.com with an attached original. `nil` when the message is neither.
    static func olderJMRP(top: HeaderSection, original attached: OriginalMessage?) -> ComplaintReport? {
        let original: OriginalMessage
        if let attached, attached.header(named: jmrpRecipientField) != nil || isFromMicrosoft(top: top, original: nil) {
            original = attached
        } else if top.value(jmrpRecipientField) != nil {
            original = attached ?? OriginalMessage(headers: top.fields)
        } else {
            return nil
        }
        return ComplaintReport(
            format: .jmrp,
            feedbackType: .abuse,
            originalRecipient: recipient(fields: [], top: top, original: original, mayUseTo: false),
            originalMailFrom: original.returnPath,
            sourceIP: top.value("Subject").flatMap(ipAtEnd(of:)),
            original: original
        )
    }

    /// The complaining recipient: `Original-Rcpt-To` when it names exactly one valid address
    /// (several mean the complainer is not known: `nil`), else `X-HmXmrOriginalRecipient` (in the
    /// original, or the report's own headers), else, when allowed, the original's `To:` when it
    /// holds exactly one entry and that entry is a valid address.
    private static func recipient(fields: [HeaderField], top: HeaderSection, original: OriginalMessage?, mayUseTo: Bool) -> String? {
        let rcptTo = Set(fields.values("Original-Rcpt-To").compactMap(MailAddress.single(in:)).map { $0.lowercased() })
        if rcptTo.count > 1 { return nil }
        if rcptTo.count == 1 {
            return fields.values("Original-Rcpt-To").lazy.compactMap(MailAddress.single(in:)).first
        }
        if let microsoft = original?.header(named: jmrpRecipientField) ?? top.value(jmrpRecipientField) {
            return MailAddress.single(in: microsoft)
        }
        guard mayUseTo, let to = original?.to else { return nil }
        let entries = MailAddress.list(in: to)
        guard entries.count == 1, let only = entries.first else { return nil }
        return only
    }

    private static func isFromMicrosoft(top: HeaderSection, original: OriginalMessage?) -> Bool {
        if original?.header(named: jmrpRecipientField) != nil || top.value(jmrpRecipientField) != nil { return true }
        guard let from = top.value("From").flatMap(MailAddress.single(in:)) else { return false }
        return from.lowercased() == jmrpSender
    }

    /// The IP address a JMRP subject ends with: `complaint about message from 192.0.2.1`.
    private static func ipAtEnd(of subject: String) -> String? {
        guard let last = subject.split(whereSeparator: { $0.isWhitespace }).last else { return nil }
        let token = String(last).trimming("[]")
        let isIPv4 = token.split(separator: ".", omittingEmptySubsequences: false).count == 4
            && token.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
        let isIPv6 = token.contains(":") && token.allSatisfy { $0.isASCII && ($0.isHexDigit || $0 == ":" || $0 == ".") }
        return isIPv4 || isIPv6 ? token : nil
    }
}

extension String {
    func trimming(_ set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, set.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}
