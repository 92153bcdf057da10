import SluiceConfig
import SluiceCore
import SluiceDNS
import SluiceSMTP
@testable import SluiceServer
import Synchronization

/// What a scripted receiving MTA does, at some instant, with a connection or a transaction.
enum ScriptedAnswer: Hashable, Sendable {
    /// 250 to every recipient.
    case accept
    /// This reply to every RCPT (`421 …` also ends the connection; 5xx bounces).
    case reply(SMTPReply)
    /// Connections are refused (no answer from host).
    case refuseConnection
}

/// A ``DeliveryTransport`` in memory: each destination domain answers as `script` says at the
/// clock's current instant (the synchronous forms take the instant), also by the connection's
/// source address when built with `scriptBySource`; no sockets. It keeps what was delivered, per
/// domain, from which source address and when, and counts connection attempts.
final class InMemoryTransport: DeliveryTransport {
    /// One recipient accepted by a scripted MTA.
    struct Delivery: Hashable, Sendable {
        var domain: String
        var recipient: String
        var time: Instant
        /// The source address the connection was bound to (nil: the node's own).
        var source: String?
    }

    private struct State {
        var next: UInt64 = 1
        var open: [DeliveryHandle: (domain: String, source: String?)] = [:]
        var deliveries: [Delivery] = []
        var connectAttempts: [String: Int] = [:]
    }

    let clock: any SluiceCore.Clock
    let script: @Sendable (_ domain: String, _ source: String?, _ now: Instant) -> ScriptedAnswer
    private let state = Mutex(State())

    init(clock: any SluiceCore.Clock, script: @escaping @Sendable (_ domain: String, _ now: Instant) -> ScriptedAnswer) {
        self.clock = clock
        self.script = { domain, _, now in script(domain, now) }
    }

    /// A transport whose answers also depend on the connection's source address.
    init(clock: any SluiceCore.Clock,
         scriptBySource: @escaping @Sendable (_ domain: String, _ source: String?, _ now: Instant) -> ScriptedAnswer) {
        self.clock = clock
        self.script = scriptBySource
    }

    /// Everything delivered so far, in order.
    var deliveries: [Delivery] { state.withLock { $0.deliveries } }

    /// The recipients delivered to `domain` so far.
    func delivered(to domain: String) -> [Delivery] { deliveries.filter { $0.domain == domain } }

    /// Connection attempts to `domain` so far.
    func connectAttempts(to domain: String) -> Int { state.withLock { $0.connectAttempts[domain] ?? 0 } }

    /// Connections open now.
    var openConnections: Int { state.withLock { $0.open.count } }

    func connect(_ plan: ConnectionPlan) async -> ConnectOutcome { connect(plan, at: clock.now()) }

    func send(_ transaction: OutboundTransaction, on connection: DeliveryHandle) async -> TransactionOutcome {
        send(transaction.recipients.map(\.address), on: connection, at: clock.now())
    }

    func quit(_ connection: DeliveryHandle) async { close(connection) }

    /// Opens a connection to `plan.domain` as the script says at `time`.
    func connect(_ plan: ConnectionPlan, at time: Instant) -> ConnectOutcome {
        let source = plan.client.sourceAddress
        let answer = script(plan.domain, source, time)
        return state.withLock { s in
            s.connectAttempts[plan.domain, default: 0] += 1
            if answer == .refuseConnection {
                return .failed(.noAnswer("connect to mx.\(plan.domain) refused (scripted)"))
            }
            let handle = DeliveryHandle(s.next)
            s.next += 1
            s.open[handle] = (plan.domain, source)
            return .connected(handle, DeliveryTarget(host: "mx.\(plan.domain)", address: "192.0.2.\(handle.raw % 250 + 1)", port: 25))
        }
    }

    /// Answers a transaction on `handle` as the script says at `time`.
    func send(_ recipients: [String], on handle: DeliveryHandle, at time: Instant) -> TransactionOutcome {
        state.withLock { s in
            guard let (domain, source) = s.open[handle] else {
                return .assemble(addresses: recipients, mail: nil, rcpts: [], data: nil, final: nil,
                                 interruption: SMTPReply(451, "4.4.2", "connection \(handle) is closed"), connectionReusable: false)
            }
            let ok = SMTPReply(250, "2.0.0", "ok")
            let reply: SMTPReply
            switch script(domain, source, time) {
            case .accept: reply = ok
            case .reply(let scripted): reply = scripted
            case .refuseConnection: reply = SMTPReply(421, "4.4.2", "connection dropped (scripted)")
            }
            let accepted = reply.severity == .positiveCompletion
            if accepted { s.deliveries += recipients.map { Delivery(domain: domain, recipient: $0, time: time, source: source) } }
            let reusable = reply.code != 421
            if !reusable { s.open[handle] = nil }
            return .assemble(addresses: recipients, mail: ok, rcpts: recipients.map { _ in reply },
                             data: accepted ? SMTPReply(354, nil, "go ahead") : nil, final: accepted ? ok : nil,
                             interruption: SMTPReply(451, "4.4.2", "interrupted"), connectionReusable: reusable)
        }
    }

    /// Closes a connection.
    func close(_ handle: DeliveryHandle) {
        _ = state.withLock { $0.open.removeValue(forKey: handle) }
    }
}
