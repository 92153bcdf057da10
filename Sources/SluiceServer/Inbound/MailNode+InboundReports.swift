import SluiceAccounting
import SluiceControlProtocol
import SluiceConfig
import SluiceCore
import SluiceSMTP

extension MailNode {
    /// Writes the records of a processed inbound report (``InboundReportProcessor``) and publishes
    /// its events (which also feed the complaint rates and the Detail view's recent reports).
    func recordInboundReport(_ written: [AccountingRecord], _ published: [EventRecord]) {
        let now = self.now
        for record in written {
            _ = records.perform(.writeAccounting(record), now: now)
            // A feedback report about a job's message is a complaint of that job (as the warm-up
            // schedules count every complaint event).
            if record.type == .feedback, let job = record.jobId { core.engine.noteJobComplaints(job, now: now) }
        }
        for event in published {
            core.recent.append(event)
            _ = records.perform(.publishEvent(event), now: now)
        }
    }

    /// Queues a copy of an inbound report for delivery to `recipients` from the null sender (a
    /// processor's `deliver-…` and `forward-…` options), bypassing the processors; false when
    /// the node refused it (the reason is logged).
    func deliverReportCopy(_ content: [UInt8], to recipients: [String], virtualMTA: String?) async -> Bool {
        let message = ReceivedMessage(
            clientAddress: IPAddress("127.0.0.1") ?? .v4(0x7F00_0001), heloName: hostName, authenticatedUser: nil, sender: "",
            mailParameters: MailParameters(), recipients: recipients.map { ReceivedRecipient(address: $0) },
            virtualMTA: virtualMTA, jobID: nil, content: content, receivedAt: now)
        let result = await NodeReceiver(node: self, spool: spool, configuration: core.configuration, log: options.log)
            .relay(message)
        if case .accepted = result { return true }
        log("inbound-reports: copy to \(recipients.joined(separator: ", ")) refused: \(result)")
        return false
    }
}
