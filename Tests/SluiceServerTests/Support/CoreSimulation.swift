import SluiceAccounting
import SluiceConfig
import SluiceControlProtocol
import SluiceControlServer
import SluiceCore
import SluiceDNS
import SluiceSMTP
@testable import SluiceServer
import SluiceSpool

/// Drives a ``NodeCore`` with no actor, no sockets and no clock: a synchronous performer carries
/// out its effects against an ``InMemoryTransport`` (a connection's outcome arrives
/// ``connectLatency`` after it was asked for, a transaction's ``sendLatency`` after it was sent),
/// keeps what the core wrote (accounting rows, progress, events, stored controls), and moves time
/// from one due instant to the next: the core's next wakeup or the next reply.
struct CoreSimulation {
    enum Input {
        case connected(ConnectionID, ConnectOutcome)
        case finished(TransactionID, TransactionOutcome)
    }

    /// A queue's switch of mode, from the engine's events.
    struct ModeChange: Hashable {
        var time: Instant
        var queue: QueueKey
        var mode: QueueMode
    }

    var core: NodeCore
    let transport: InMemoryTransport
    private(set) var now: Instant
    var connectLatency = TimeSpan(milliseconds: 50)
    var sendLatency = TimeSpan(milliseconds: 200)
    /// False to skip the core's once-a-second housekeeping ticks and move from one engine wakeup
    /// (or reply) to the next: for simulations of many days.
    var housekeepingTicks = true
    /// Replies not delivered yet, by due time (ties in the order they were sent).
    private var pending: [(time: Instant, input: Input)] = []
    private var nextMessage: UInt64 = 1

    private(set) var accounting: [AccountingRecord] = []
    private(set) var progress: [RecipientProgress] = []
    /// The DSNs the core sent, in order.
    private(set) var dsns: [DSNJob] = []
    private(set) var events: [EventRecord] = []
    /// Lines for the node's log, in order.
    private(set) var logged: [String] = []
    /// Fleet grant and lease requests (none without a fleet).
    private(set) var fleetRequests: [NodeEffect] = []
    /// Controls in the (simulated) spool, by id.
    private(set) var storedControls: [UInt64: Control] = [:]
    /// The warm-up ledger last saved.
    private(set) var savedWarmup: WarmupLedger?

    /// A core for `configuration` (with accounting rows), starting at `start`.
    init(configuration: ConfigModel, transport: InMemoryTransport, start: Instant) {
        core = NodeCore(configuration: configuration, engine: DeliveryEngine(configuration: configuration),
                        hostName: "node.test", writesAccounting: true)
        self.transport = transport
        now = start
    }

    /// Admits `count` one-recipient messages to `domain` now.
    mutating func inject(_ count: Int, to domain: String, vmta: String = "v1") throws {
        for _ in 0..<count {
            let id = MessageID(nextMessage)
            nextMessage += 1
            let message = Message(id: id, sender: "sender@node.test", recipients: ["u\(id.raw)@\(domain)"], size: 1000,
                                  vmta: vmta, receivedAt: now)
            perform(try core.admit(message, now: now))
        }
    }

    /// Admits `message` now with its DSN facts.
    mutating func admit(_ message: Message, dsn: MessageDSNInfo) throws {
        perform(try core.admit(message, dsn: dsn, now: now))
    }

    /// Carries out an operator command now, lasting `duration` when given.
    @discardableResult
    mutating func execute(_ command: ControlCommand, for duration: TimeSpan? = nil) throws -> CommandOutcome {
        let issued = now.secondsSince1970
        let context = CommandContext(actor: .socketPeer(uid: 0, user: "root", label: "test"), reason: "simulation",
                                     issuedAt: issued, expiresAt: duration.map { issued + $0.seconds })
        let (outcome, effects) = try core.execute(command, context: context, now: now)
        perform(effects)
        return outcome
    }

    /// Runs every input and wakeup due up to `end`, then stands at `end`.
    mutating func run(until end: Instant) {
        while true {
            let wakeup = housekeepingTicks ? core.nextWakeup(after: now) : (core.engine.nextWakeup ?? end + .seconds(1))
            let reply = pending.first?.time
            let next = reply.map { min($0, wakeup) } ?? wakeup
            guard next <= end else { break }
            now = max(now, next)
            if let reply, reply <= now {
                switch pending.removeFirst().input {
                case .connected(let id, let outcome): perform(core.connected(id, outcome, now: now))
                case .finished(let id, let outcome): perform(core.transactionFinished(id, outcome, now: now))
                }
            } else {
                perform(core.tick(now: now))
            }
        }
        now = max(now, end)
    }

    /// The synchronous effect performer.
    mutating func perform(_ effects: [NodeEffect]) {
        for effect in effects {
            switch effect {
            case .openConnection(let id, let plan):
                schedule(.connected(id, transport.connect(plan, at: now)), after: connectLatency)
            case .sendTransaction(let transaction, let handle, _):
                schedule(.finished(transaction.id, transport.send(transaction.recipients, on: handle, at: now)), after: sendLatency)
            case .closeConnection(let handle): transport.close(handle)
            case .writeAccounting(let row): accounting.append(row)
            case .recordProgress(let entries): progress += entries
            case .publishEvent(let event): events.append(event)
            case .persistControl(let control): storedControls[control.id] = control
            case .forgetControl(let control): storedControls[control.id] = nil
            case .saveWarmup(let ledger): savedWarmup = ledger
            case .log(let line): logged.append(line)
            case .requestGrants, .acquireLease, .releaseLease:
                // A node without a fleet never asks; kept so a test would see it.
                fleetRequests.append(effect)
            case .sendDSN(let job):
                dsns.append(job)
                progress += job.progress
            }
        }
    }

    private mutating func schedule(_ input: Input, after latency: TimeSpan) {
        let due = now + latency
        let index = pending.firstIndex { $0.time > due } ?? pending.endIndex
        pending.insert((due, input), at: index)
    }

    /// The queues' switches of mode (the engine's `mode-changed` events), oldest first.
    var modeChanges: [ModeChange] {
        core.engine.recentEvents.compactMap { event in
            guard event.kind == .modeChanged,
                  let mode = QueueMode(rawValue: String(event.detail.prefix { $0 != ":" })) else { return nil }
            return ModeChange(time: event.time, queue: event.queue, mode: mode)
        }
    }

    /// Events of `kind` for `domain`'s queues.
    func events(_ kind: String, domain: String) -> [EventRecord] {
        events.filter { $0.kind == kind && $0.queue.hasPrefix(domain + "/") }
    }
}
