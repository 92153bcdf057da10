/// Reads inbound bounce and complaint reports: bytes in, `InboundReport` out, no I/O.
///
/// Recognised, in this order: an ARF `message/feedback-report` part (ARF or JMRP); Microsoft
/// JMRP's older form; an RFC 3464 `message/delivery-status` part (preferred over the feedback part
/// when the message says `report-type=delivery-status`); the non-standard bounce texts of Postfix,
/// qmail, Yahoo, Exim, Exchange / Office 365, Gmail and Sendmail in the text parts. Whatever
/// cannot be read is `.unparsed` with a reason; no input traps. See `InboundReport` for the rule
/// on recipients.
///
/// Cost: the message is read in place. Multipart boundaries are found with `memmem`, so an
/// attachment that is not read is skipped at memory speed and never copied; only the report
/// parts, the first text parts and the original's header section are decoded, each within
/// `ReportLimits`.
public struct ReportParser: Sendable {
    /// The bounds applied to every message.
    public let limits: ReportLimits

    /// A parser with these bounds.
    public init(limits: ReportLimits = ReportLimits()) {
        self.limits = limits
    }

    /// Reads one message as received (headers, blank line, body; CRLF or LF line breaks).
    public func parse(_ message: [UInt8]) -> InboundReport {
        let scan: MessageScan
        switch MimeScanner.scan(message, limits: limits) {
        case .success(let found): scan = found
        case .failure(let reason): return .unparsed(UnparsedReport(reason: reason))
        }
        let reader = PartReader(bytes: message, limits: limits)
        let original = scan.original.flatMap(reader.original)
        let reportType = scan.top.contentType.parameters["report-type"]?.lowercased()

        if reportType != "delivery-status", let complaint = complaint(scan, reader: reader, original: original) {
            return complaint
        }
        var failure: UnparsedReason?
        if let part = scan.deliveryStatus {
            switch DeliveryStatusReader.read(reader.decodedBody(part), limits: limits) {
            case .report(var report):
                report.original = original
                return .bounce(report)
            case .noValidRecipient: failure = .noRecipientAddress
            case .noRecipientGroup: failure = .malformedReport("message/delivery-status without per-recipient fields")
            }
        }
        if reportType == "delivery-status", let complaint = complaint(scan, reader: reader, original: original) {
            return complaint
        }
        for part in scan.textParts {
            guard let found = TextBounceRecognizer.recognize(reader.text(part), limits: limits) else { continue }
            let recipients = found.recipients.isEmpty ? failedRecipientsHeader(scan.top.headers) : found.recipients
            guard !recipients.isEmpty else {
                failure = failure ?? .noRecipientAddress
                continue
            }
            return .bounce(BounceReport(
                format: found.format,
                reportingMTA: found.reportingMTA,
                recipients: recipients,
                original: original ?? found.original
            ))
        }
        return .unparsed(UnparsedReport(reason: failure ?? scan.problem ?? .noMachineReadablePart))
    }

    /// A complaint (ARF part, or JMRP's older form), or `nil` when the message holds neither.
    /// A message with a delivery-status part is never read as JMRP's older form (a bounce of mail
    /// that passed through Hotmail can carry its header in the returned original).
    private func complaint(_ scan: MessageScan, reader: PartReader, original: OriginalMessage?) -> InboundReport? {
        if let part = scan.feedbackReport {
            let fields = FieldBlocks.read(reader.decodedBody(part), limit: limits.maxScannedPartBytes, maxBlocks: 8).flatMap { $0 }
            switch ComplaintReader.arf(fields: fields, top: scan.top.headers, original: original) {
            case .success(let report): return .complaint(report)
            case .failure(let reason): return .unparsed(UnparsedReport(reason: reason))
            }
        }
        guard scan.deliveryStatus == nil else { return nil }
        return ComplaintReader.olderJMRP(top: scan.top.headers, original: original).map(InboundReport.complaint)
    }

    /// Exim's and Gmail's `X-Failed-Recipients` header, when a recognised text names no address
    /// the recogniser could read.
    private func failedRecipientsHeader(_ headers: HeaderSection) -> [BouncedRecipient] {
        headers.fields.filter { $0.name.caseInsensitiveEquals("X-Failed-Recipients") }
            .flatMap { MailAddress.list(in: $0.value).compactMap { $0 } }
            .prefix(limits.maxRecipients)
            .map { BouncedRecipient(finalRecipient: $0, action: .failed, status: nil) }
    }
}
