import SluiceAccounting
import SluiceConfig
import SluiceControlProtocol
import SluiceCore
import SluiceDNS
import SluiceSMTP
@testable import SluiceServer
import SluiceSpool

/// Small pieces for tests of ``NodeCore``: a core from configuration text, messages, outcomes.
enum CoreFixtures {
    static let t0 = Instant(milliseconds: 1_000_000)
    static let target = DeliveryTarget(host: "mx.one.test", address: "192.0.2.1", port: 25)

    /// vmta v1 sends from 192.0.2.10; one.test takes two connections and retries after a minute.
    static let configuration = """
        host-name node.test
        <virtual-mta v1>
            smtp-source-host 192.0.2.10 out.node.test
        </virtual-mta>
        <domain *>
            max-smtp-out 2
            retry-after 1m
        </domain>
        """

    /// A core for `text` (plus `extra`), writing accounting rows.
    static func core(_ extra: String = "") throws -> NodeCore {
        let model = try loadConfiguration(configuration + "\n" + extra)
        return NodeCore(configuration: model, engine: DeliveryEngine(configuration: model), hostName: "node.test",
                        writesAccounting: true)
    }

    /// A message to `recipients` through vmta v1, received at `t0`.
    static func message(_ id: UInt64, to recipients: [String]) -> Message {
        Message(id: MessageID(id), sender: "sender@node.test", recipients: recipients, size: 100, vmta: "v1", receivedAt: t0)
    }

    /// Every recipient of a transaction answered `reply`.
    static func outcome(_ reply: SMTPReply, for recipients: [String]) -> TransactionOutcome {
        let ok = SMTPReply(250, "2.0.0", "ok")
        let accepted = reply.severity == .positiveCompletion
        return .assemble(addresses: recipients, mail: ok, rcpts: recipients.map { _ in reply },
                         data: accepted ? SMTPReply(354, nil, "go ahead") : nil, final: accepted ? reply : nil,
                         interruption: SMTPReply(451, "4.4.2", "interrupted"), connectionReusable: reply.code != 421)
    }
}

extension [NodeEffect] {
    /// The connections asked for.
    var opens: [(id: ConnectionID, plan: ConnectionPlan)] {
        compactMap { if case .openConnection(let id, let plan) = $0 { (id, plan) } else { nil } }
    }

    /// The transactions to send.
    var sends: [(transaction: Transaction, handle: DeliveryHandle)] {
        compactMap { if case .sendTransaction(let t, let h, _) = $0 { (t, h) } else { nil } }
    }

    /// The envelopes the transactions are sent with.
    var envelopes: [OutboundEnvelope] {
        compactMap { if case .sendTransaction(_, _, let envelope) = $0 { envelope } else { nil } }
    }

    /// The DSNs to send.
    var dsns: [DSNJob] {
        compactMap { if case .sendDSN(let job) = $0 { job } else { nil } }
    }

    /// The connections to close.
    var closes: [DeliveryHandle] { compactMap { if case .closeConnection(let h) = $0 { h } else { nil } } }

    /// The accounting rows.
    var rows: [AccountingRecord] { compactMap { if case .writeAccounting(let r) = $0 { r } else { nil } } }

    /// The events published.
    var events: [EventRecord] { compactMap { if case .publishEvent(let e) = $0 { e } else { nil } } }

    /// The progress entries, over every batch.
    var progress: [RecipientProgress] { flatMap { effect -> [RecipientProgress] in
        if case .recordProgress(let entries) = effect { entries } else { [] }
    } }

    /// The controls to store and to forget.
    var persisted: [Control] { compactMap { if case .persistControl(let c) = $0 { c } else { nil } } }
    var forgotten: [Control] { compactMap { if case .forgetControl(let c) = $0 { c } else { nil } } }
}
