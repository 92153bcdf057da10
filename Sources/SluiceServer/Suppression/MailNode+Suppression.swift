import SluiceAccounting
import SluiceConfig
import SluiceCore
import SluiceSMTP
import SluiceSuppression

extension MailNode {
    /// The bounce category of recipients dropped because the suppression list names them.
    static let suppressedCategory = BounceCategory(rawValue: "suppressed")

    /// Writes a `b` record (category `suppressed`, 5.7.1, the reason and the entry's source in
    /// dsnDiag) and publishes a `suppressed` event for each recipient of `message` dropped before
    /// it was stored.
    func recordSuppressed(_ dropped: [(recipient: ReceivedRecipient, entry: SuppressionEntry)], of message: ReceivedMessage,
                          vmta: String) {
        let now = self.now
        if let job = message.jobID { core.engine.noteJobSuppressed(job, count: dropped.count, now: now) }
        for (recipient, entry) in dropped {
            let reply = NodeSuppression.reply(for: entry)
            let domain = SuppressionScope.domain(ofSender: recipient.address) ?? ""
            let record = AccountingRecord(
                type: .bounced, timeLogged: now, timeQueued: message.receivedAt, orig: message.sender, rcpt: recipient.address,
                orcpt: recipient.parameters.originalRecipient, dsnAction: .failed, dsnStatus: "5.7.1",
                dsnDiag: "\(reply.dsnDiag): \(entry.scope) entry added \(CivilTime(entry.time).isoText) by \(entry.source)",
                bounceCat: Self.suppressedCategory, srcType: .smtp, srcMta: message.heloName, vmta: vmta, jobId: message.jobID,
                envId: message.mailParameters.envelopeID, queue: "\(domain)/\(vmta)", node: hostName)
            _ = records.perform(.writeAccounting(record), now: now)
            suppression.publishEvent(recipient: recipient.address, vmta: vmta, entry: entry, time: now)
        }
    }
}
