import SluiceConfig
import Testing
@testable import SluiceCore

/// The engine API the daemon relies on: the vmta choice before the spool write, recipient
/// indexes in records, and a connection that cannot be reused after a transaction.
@Suite("Hooks for the I/O layer")
struct IntegrationHooksTests {
    func message(_ id: UInt64, _ recipients: [String]) -> Message {
        Message(id: MessageID(id), sender: "s@sender.example", recipients: recipients, size: 100, vmta: "", receivedAt: .zero)
    }

    @Test("chooseVirtualMTA answers what inject would pick, and a pool advances its turn")
    func chooseFirst() throws {
        var e = DeliveryEngine(configuration: StaticEngineConfiguration(pools: ["pool": ["p1", "p2"]],
                                                                        virtualMTANames: ["default", "p1", "p2"]))
        #expect(try e.chooseVirtualMTA(for: InjectionRoute(defaultVMTA: "pool"), recipients: ["a@x.test"], now: .zero) == "p1")
        #expect(try e.chooseVirtualMTA(for: InjectionRoute(defaultVMTA: "pool"), recipients: ["a@x.test"], now: .zero) == "p2")
        #expect(try e.chooseVirtualMTA(for: InjectionRoute(), recipients: ["a@x.test"], now: .zero) == "default")
        #expect(throws: InjectionError.unknownVirtualMTA("nope")) { try e.chooseVirtualMTA(for: InjectionRoute(defaultVMTA: "nope"), recipients: ["a@x.test"], now: .zero) }
        let actions = try e.inject(message(1, ["a@x.example"]), route: InjectionRoute(requestedVMTA: "p2", requestAllowed: true), now: .zero)
        #expect(actions.contains(.openConnection(ConnectionID(1), QueueKey(domain: "x.example", vmta: "p2"))))
    }

    @Test("records carry the recipient's index; a connection not reusable carries no further transaction")
    func indexesAndUnusableConnection() throws {
        // One connection per queue, so that message 2 waits for the first one.
        var e = DeliveryEngine(configuration: StaticEngineConfiguration(
            defaults: try StaticEngineConfiguration.settings([("max-smtp-out", "1")])))
        var actions = try e.inject(message(1, ["a@x.example", "b@y.example", "c@x.example"]), now: .zero)
        _ = try e.inject(message(2, ["d@x.example"]), now: .zero)
        guard case .openConnection(let c, _) = actions.first(where: { if case .openConnection(_, let k) = $0 { k.domain == "x.example" } else { false } }) else {
            Issue.record("no connection for x.example"); return
        }
        actions = e.connectionOpened(c, now: .zero)
        let started = actions.compactMap { if case .startTransaction(let t) = $0 { t } else { nil } }
        #expect(started.count == 1)
        guard let tx = started.first else { return }
        #expect(tx.recipients == ["a@x.example", "c@x.example"])
        actions = e.transactionCompleted(tx.id, replies: [SMTPReply("250 ok"), SMTPReply("550 no")],
                                         connectionReusable: false, now: .zero)
        let records = actions.compactMap { if case .record(let r) = $0 { r } else { nil } }
        #expect(records.map(\.recipientIndex) == [0, 2])
        #expect(records.map(\.outcome) == [.delivered, .bounced])
        // Message 2 waits for x.example: not on the dead connection, on a new one.
        #expect(!actions.contains { if case .startTransaction = $0 { true } else { false } })
        #expect(actions.contains { if case .openConnection(_, let k) = $0 { k.domain == "x.example" } else { false } })
    }
}
