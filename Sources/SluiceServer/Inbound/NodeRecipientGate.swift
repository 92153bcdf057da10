import Synchronization
import SluiceConfig
import SluiceCore
import SluiceSMTP

/// The node's answer to each `RCPT TO` on its listeners (``SMTPServerConfiguration/recipientDisposition``):
/// the addresses of `<bounce-processor>` and `<feedback-loop-processor>` blocks are local — accepted
/// from any client and consumed, never relayed; with `<suppression>` `action reject`, a recipient
/// the suppression list names for this sender gets `550 5.7.1` (and a `suppressed` event).
///
/// Called on the listeners' event loops: it holds what it needs in memory and never blocks (the
/// suppression list's filter answers most checks; see ``NodeSuppression``). A reload replaces the
/// processors for the next RCPT.
final class NodeRecipientGate: Sendable {
    private let processors: Mutex<[InboundProcessor]>
    private let suppression: NodeSuppression
    /// For the events' times.
    private let clock: any Clock

    /// A gate for `configuration`'s processors and the node's suppression list.
    init(configuration: ConfigModel, suppression: NodeSuppression, clock: any Clock) {
        processors = Mutex(configuration.inboundProcessors)
        self.suppression = suppression
        self.clock = clock
    }

    /// What the listener does with `recipient` in a transaction from `sender`; the suppression list
    /// is consulted only when the client may relay to the address (otherwise it gets `Relaying
    /// denied`, and no `suppressed` event is published).
    func disposition(recipient: String, sender: String, relayingAllowed: Bool) -> RecipientDisposition {
        if processor(for: recipient) != nil { return .local }
        if relayingAllowed, suppression.rejectsAtRCPT, let entry = suppression.check(recipient: recipient, sender: sender, jobID: nil) {
            suppression.publishEvent(recipient: recipient, vmta: "", entry: entry, time: clock.now())
            return .refuse(NodeSuppression.reply(for: entry))
        }
        return .ordinary
    }

    /// The processor whose `<address-list>` takes `recipient`, if any (the first in the file).
    func processor(for recipient: String) -> InboundProcessor? {
        processors.withLock { list in list.first { $0.accepts(recipient) } }
    }

    /// True when the configuration has a `<bounce-processor>` or `<feedback-loop-processor>`: the
    /// node then remembers the messages it sends, to tie reports to them.
    var hasProcessors: Bool { processors.withLock { !$0.isEmpty } }

    /// Puts `configuration`'s processors in force.
    func reload(_ configuration: ConfigModel) {
        processors.withLock { $0 = configuration.inboundProcessors }
    }
}
