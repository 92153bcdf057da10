import SluiceConfig
import Testing
@testable import SluiceCore

@Suite("Injection and virtual MTA choice")
struct InjectionTests {
    func engine() -> DeliveryEngine {
        DeliveryEngine(configuration: StaticEngineConfiguration(
            pools: ["pool": ["p1", "p2", "p3"], "empty": []], virtualMTANames: ["default", "direct", "p1", "p2", "p3"]))
    }

    func message(_ id: UInt64, _ recipients: [String] = ["a@x.example"]) -> Message {
        Message(id: MessageID(id), sender: "s@sender.example", recipients: recipients, size: 100, vmta: "", receivedAt: .zero)
    }

    func queues(_ actions: [EngineAction]) -> [QueueKey] {
        actions.compactMap { if case .openConnection(_, let key) = $0 { return key } else { return nil } }
    }

    @Test("X-Virtual-MTA is honoured only when the source allows it; else the source's default; else `default`")
    func requestedVirtualMTA() throws {
        var e = engine()
        #expect(queues(try e.inject(message(1), route: InjectionRoute(requestedVMTA: "direct", requestAllowed: true, defaultVMTA: "p1"), now: .zero))
                == [QueueKey(domain: "x.example", vmta: "direct")])
        #expect(queues(try e.inject(message(2, ["b@y.example"]), route: InjectionRoute(requestedVMTA: "direct", requestAllowed: false, defaultVMTA: "p1"), now: .zero))
                == [QueueKey(domain: "y.example", vmta: "p1")])
        #expect(queues(try e.inject(message(3, ["c@z.example"]), now: .zero)) == [QueueKey(domain: "z.example", vmta: "default")])
    }

    @Test("a pool spreads messages round-robin, skipping paused members")
    func poolRoundRobin() throws {
        var e = engine()
        var chosen: [String] = []
        for n in 1...4 {
            _ = try e.inject(message(UInt64(n), ["u\(n)@pool.example"]), route: InjectionRoute(defaultVMTA: "pool"), now: .zero)
        }
        chosen = e.queueKeys.map(\.vmta)
        #expect(chosen == ["p1", "p2", "p3"])
        #expect(e.snapshot(of: QueueKey(domain: "pool.example", vmta: "p1"), now: .zero)?.queued ?? 0
                + (e.snapshot(of: QueueKey(domain: "pool.example", vmta: "p1"), now: .zero)?.inFlight ?? 0) == 2)
        _ = try e.apply(.pause(target: .vmta("p2")), by: ControlRequest(who: "test"), now: .zero)
        var members: [String] = []
        for n in 10...13 {
            let actions = try e.inject(message(UInt64(n), ["v\(n)@other.example"]), route: InjectionRoute(defaultVMTA: "pool"), now: .zero)
            members += queues(actions).map(\.vmta)
        }
        #expect(!members.contains("p2"))
        #expect(Set(e.queueKeys.filter { $0.domain == "other.example" }.map(\.vmta)) == ["p1", "p3"])
    }

    @Test("bad messages are refused with a clear error and nothing is stored")
    func errors() throws {
        var e = engine()
        #expect(throws: InjectionError.noRecipients) { try e.inject(message(1, []), now: .zero) }
        #expect(throws: InjectionError.recipientWithoutDomain("nobody")) { try e.inject(message(1, ["nobody"]), now: .zero) }
        #expect(throws: InjectionError.unknownVirtualMTA("nope")) {
            try e.inject(message(1), route: InjectionRoute(requestedVMTA: "nope", requestAllowed: true), now: .zero)
        }
        #expect(throws: InjectionError.emptyPool("empty")) { try e.inject(message(1), route: InjectionRoute(defaultVMTA: "empty"), now: .zero) }
        #expect(e.pendingRecipients == 0)
        _ = try e.inject(message(1), now: .zero)
        #expect(throws: InjectionError.duplicateMessage(MessageID(1))) { try e.inject(message(1), now: .zero) }
        #expect(e.pendingRecipients == 1)
        #expect(InjectionError.duplicateMessage(MessageID(1)).description == "message 0000000000000001 is already queued")
    }

    @Test("a message's recipients go to the queues of their domains; transactions never mix messages or queues")
    func splitByDomain() throws {
        var sim = Simulator(StaticEngineConfiguration())
        let m = Message(id: MessageID(1), sender: "s@x.example", recipients: ["a@one.example", "b@TWO.example", "c@one.example"],
                        size: 10, vmta: "", receivedAt: .zero)
        sim.handle(try sim.engine.inject(m, now: .zero))
        sim.run(until: .seconds(1))
        let txs = sim.started.map(\.tx)
        #expect(Set(txs.map(\.queue.domain)) == ["one.example", "two.example"])
        #expect(txs.first { $0.queue.domain == "one.example" }?.recipients == ["a@one.example", "c@one.example"])
        #expect(sim.finishedMessages == [MessageID(1)])
    }
}
