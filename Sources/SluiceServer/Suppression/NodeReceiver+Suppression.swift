import SluiceCore
import SluiceSMTP
import SluiceSuppression

extension NodeReceiver {
    /// `received` without the recipients the suppression list names for its sender and job (job
    /// entries can only be checked here, after DATA; with `action drop`, every scope is), each
    /// dropped one written down by ``MailNode/recordSuppressed(_:of:vmta:)``. Nil when no
    /// recipient is left: the message is answered 250 and not stored.
    func droppingSuppressed(_ received: ReceivedMessage, vmta: String) async -> ReceivedMessage? {
        let suppression = node.suppression
        var kept: [ReceivedRecipient] = []
        var dropped: [(recipient: ReceivedRecipient, entry: SuppressionEntry)] = []
        for recipient in received.recipients {
            if let entry = suppression.check(recipient: recipient.address, sender: received.sender, jobID: received.jobID) {
                dropped.append((recipient, entry))
            } else {
                kept.append(recipient)
            }
        }
        guard !dropped.isEmpty else { return received }
        await node.recordSuppressed(dropped, of: received, vmta: vmta)
        guard !kept.isEmpty else { return nil }
        var remaining = received
        remaining.recipients = kept
        return remaining
    }

    /// The answer to a message whose recipients were all suppressed.
    static let allSuppressed = ReceiveResult.discarded(SMTPReply(250, "2.0.0", "Ok: not queued, every recipient is suppressed"))
}
