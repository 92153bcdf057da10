/// Reads an RFC 3464 `message/delivery-status` body: the per-message fields, then one group of
/// per-recipient fields per recipient.
enum DeliveryStatusReader {
    /// What the body held.
    enum Outcome {
        /// At least one recipient with a valid address.
        case report(BounceReport)
        /// Recipient groups, none with a valid address.
        case noValidRecipient
        /// No recipient group at all.
        case noRecipientGroup
    }

    static func read(_ body: [UInt8], limits: ReportLimits) -> Outcome {
        let blocks = FieldBlocks.read(body, limit: limits.maxScannedPartBytes, maxBlocks: limits.maxRecipients + 1)
        var perMessage: [HeaderField] = []
        var recipients: [BouncedRecipient] = []
        var sawGroup = false
        for block in blocks {
            guard isRecipientGroup(block) else {
                perMessage += block
                continue
            }
            sawGroup = true
            if let recipient = recipient(from: block), recipients.count < limits.maxRecipients {
                recipients.append(recipient)
            }
        }
        guard sawGroup else { return .noRecipientGroup }
        guard !recipients.isEmpty else { return .noValidRecipient }
        return .report(BounceReport(
            format: .rfc3464,
            reportingMTA: perMessage.value("Reporting-MTA")?.withoutValueType,
            originalEnvelopeID: perMessage.value("Original-Envelope-Id"),
            arrivalDate: perMessage.value("Arrival-Date"),
            recipients: recipients
        ))
    }

    private static func isRecipientGroup(_ block: [HeaderField]) -> Bool {
        block.has("Final-Recipient") || block.has("Original-Recipient") || block.has("Action") || block.has("Status")
    }

    /// A recipient group as a `BouncedRecipient`; `nil` when neither recipient field is a valid
    /// address.
    static func recipient(from block: [HeaderField]) -> BouncedRecipient? {
        let final = block.value("Final-Recipient").flatMap(MailAddress.single(in:))
        let original = block.value("Original-Recipient").flatMap(MailAddress.single(in:))
        guard let address = final ?? original else { return nil }
        let diagnostic = block.value("Diagnostic-Code")?.withoutValueType.collapsingWhitespace
        let status = block.value("Status").flatMap(EnhancedStatus.init(field:))
            ?? diagnostic.flatMap(EnhancedStatus.find(in:))
        let action = block.value("Action").flatMap { DeliveryAction(rawValue: String($0.lowercased().prefix(while: \.isLetter))) }
            ?? DeliveryAction.implied(by: status)
        return BouncedRecipient(
            finalRecipient: address,
            originalRecipient: original,
            action: action,
            status: status,
            diagnosticCode: diagnostic.flatMap { $0.isEmpty ? nil : $0 },
            remoteMTA: block.value("Remote-MTA")?.withoutValueType,
            lastAttemptDate: block.value("Last-Attempt-Date")
        )
    }
}
