import SluiceConfig
import SluiceCore
@testable import SluiceServer
import SluiceSpool

/// Stores a one-recipient message in the node's spool and admits it, as the SMTP listener does,
/// without a socket, through `vmta`.
func admitDirectly(_ node: MailNode, to recipient: String, vmta: String = "v1", at clock: any SluiceCore.Clock) async throws {
    let content = Array("Subject: test\r\n\r\nhello\r\n".utf8)
    let id = try await node.spool.accept(SpoolEnvelope(sender: "s@node.test", recipients: [SpoolRecipient(address: recipient)],
                                                       vmta: vmta, receivedAt: clock.now()), content: content)
    try await node.admit(Message(id: id, sender: "s@node.test", recipients: [recipient], size: content.count, vmta: vmta,
                                 receivedAt: clock.now(), spoolReference: id.raw))
}
