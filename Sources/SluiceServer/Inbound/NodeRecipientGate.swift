import Synchronization
import SluiceConfig
import SluiceSMTP

/// The node's answer to each `RCPT TO` on its listeners (``SMTPServerConfiguration/recipientDisposition``):
/// the addresses of `<bounce-processor>` and `<feedback-loop-processor>` blocks are local — accepted
/// from any client and consumed, never relayed.
///
/// Called on the listeners' event loops: it holds what it needs in memory and never blocks. A reload
/// replaces the processors for the next RCPT.
final class NodeRecipientGate: Sendable {
    private let processors: Mutex<[InboundProcessor]>

    /// A gate for `configuration`'s processors.
    init(configuration: ConfigModel) {
        processors = Mutex(configuration.inboundProcessors)
    }

    /// What the listener does with `recipient` in a transaction from `sender`.
    func disposition(recipient: String, sender: String) -> RecipientDisposition {
        if processor(for: recipient) != nil { return .local }
        return .ordinary
    }

    /// The processor whose `<address-list>` takes `recipient`, if any (the first in the file).
    func processor(for recipient: String) -> InboundProcessor? {
        processors.withLock { list in list.first { $0.accepts(recipient) } }
    }

    /// Puts `configuration`'s processors in force.
    func reload(_ configuration: ConfigModel) {
        processors.withLock { $0 = configuration.inboundProcessors }
    }
}
