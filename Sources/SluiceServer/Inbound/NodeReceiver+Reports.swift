import SluiceBase
import SluiceSMTP

extension NodeReceiver {
    /// The answer to a message sent only to processor addresses.
    static let reportAccepted = ReceiveResult.discarded(SMTPReply(250, "2.0.0", "Ok: report accepted for processing"))

    /// Stores the report `received` carries for its processor recipients (`<bounce-processor>`,
    /// `<feedback-loop-processor>` addresses), queued for ``InboundReportProcessor``; those
    /// recipients are consumed, never relayed. Nil when it has none; else the other recipients, or
    /// the reply when the report could not be stored.
    func takingReports(_ received: ReceivedMessage) -> Result<[ReceivedRecipient], SMTPReply>? {
        let gate = node.recipientGate
        var processor: String?
        var reportRecipients: [String] = []
        var others: [ReceivedRecipient] = []
        for recipient in received.recipients {
            if let taking = gate.processor(for: recipient.address) {
                processor = processor ?? taking.kind.rawValue
                reportRecipients.append(recipient.address)
            } else {
                others.append(recipient)
            }
        }
        guard let processor else { return nil }
        let envelope = ReportInbox.Envelope(processor: processor, sender: received.sender, recipients: reportRecipients,
                                            receivedAt: received.receivedAt.milliseconds,
                                            client: "\(received.clientAddress)", virtualMTA: received.virtualMTA)
        let reports = node.inboundReports
        do {
            let path = try reports.store(envelope, content: received.content)
            Task { await reports.enqueue([path]) }
        } catch {
            log("inbound-reports: report from \(received.clientAddress) not stored: \(error)")
            return .failure(SMTPReply(452, "4.3.1", "Report not stored, try again later"))
        }
        return .success(others)
    }
}
