import SluiceConfig
import SluiceCore
import SluiceSandbox
import SluiceSandboxServer
import SluiceServer
import SluiceSMTP
import Synchronization

/// Injects a ``TrafficPlan``'s messages into a node in process, each at the first instant of the
/// clock at or after its send time: the node takes it as its SMTP listener would after the end of
/// data (``MailNode/receive(_:)``: the pool's vmta, the spool, the queue), from the generator's
/// address and name, with the plan's `X-Virtual-MTA` and `X-Job` as the listener reads them.
final class PlanInjector: DemoTraffic {
    private struct State {
        var plan: TrafficPlan
        var stats = GeneratorStats()
        var stopped = false
    }

    let node: MailNode
    let clock: any Clock
    private let state: Mutex<State>

    /// Creates an injector of `plan` into `node`.
    init(plan: TrafficPlan, node: MailNode, clock: any Clock) {
        self.node = node
        self.clock = clock
        state = Mutex(State(plan: plan))
    }

    /// The counters so far.
    var stats: GeneratorStats { state.withLock { $0.stats } }

    /// When the next message is due; nil once stopped.
    var nextDueAt: Instant? { state.withLock { $0.stopped ? nil : $0.plan.nextDueAt } }

    /// Injects the messages due now, one after the other in the plan's order.
    func injectDue() async {
        let due = state.withLock { s -> [PlannedMessage] in
            guard !s.stopped else { return [] }
            defer { s.stats.skipped = s.plan.skipped }
            return s.plan.due(at: clock.now())
        }
        for message in due {
            let result = await node.receive(ReceivedMessage(
                clientAddress: .v4(0x7F00_0001), heloName: TrafficGenerator.defaultClient.heloName, authenticatedUser: nil,
                sender: message.sender, mailParameters: MailParameters(),
                recipients: message.recipients.map { ReceivedRecipient(address: $0) }, virtualMTA: message.virtualMTA,
                jobID: message.jobID, content: Array(message.content.utf8), receivedAt: clock.now()))
            state.withLock { s in
                switch result {
                case .accepted: s.stats.record(message, acceptedRecipients: message.recipients.count, problem: nil)
                case .discarded: s.stats.record(message, acceptedRecipients: 0, problem: nil)
                case .temporaryFailure(let reply), .permanentFailure(let reply):
                    s.stats.record(message, acceptedRecipients: 0, problem: reply.dsnDiag)
                }
            }
        }
    }

    /// Injects nothing more.
    func stop() async {
        state.withLock { $0.stopped = true }
    }
}
