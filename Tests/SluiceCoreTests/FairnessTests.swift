import SluiceConfig
import Testing
@testable import SluiceCore

@Suite("Fairness across queues")
struct FairnessTests {
    @Test("a 1,000,000-recipient queue does not starve a 10-recipient queue for engine-wide connection slots")
    func hugeQueueDoesNotStarveSmallOne() throws {
        let config = StaticEngineConfiguration(defaults: try settings([("max-rcpt-per-transaction", "100")]))
        var sim = Simulator(config, tuning: EngineTuning(maxTotalConnections: 4))
        sim.transactionLatency = TimeSpan(milliseconds: 100)
        // 1,000 messages of 1,000 recipients each: one million recipients in big.example/default.
        let recipients = Array(repeating: "someone@big.example", count: 1_000)
        for n in 0..<1_000 {
            let message = Message(id: MessageID(UInt64(n + 1)), sender: "s@x.example", recipients: recipients,
                                  size: 2_000, vmta: "", receivedAt: .zero)
            sim.handle(try sim.engine.inject(message, now: .zero))
        }
        #expect(sim.engine.pendingRecipients == 1_000_000)
        sim.run(until: .seconds(5))
        #expect(sim.engine.openConnections == 4, "the big queue holds every slot")
        try sim.inject(10, to: "small.example", firstID: 5_000_000)
        sim.run(until: .seconds(10))
        let small = sim.records(.delivered).filter { $0.queue.domain == "small.example" }
        #expect(small.count == 10)
        #expect((small.map(\.time).max() ?? .hours(1)) <= .seconds(6), "served within a second of arriving")
        let big = sim.records(.delivered).filter { $0.queue.domain == "big.example" && $0.time > .seconds(5) }
        #expect(big.count > 10_000, "the big queue keeps sending")
        #expect(sim.engine.openConnections <= 4)
    }

    @Test("each queue is serviced on its own schedule: a slow queue does not delay a fast one")
    func independentQueues() throws {
        let config = StaticEngineConfiguration(domains: [
            "slow.example": try settings([("max-msg-rate", "1/m")]),
            "fast.example": try settings([("max-msg-rate", "100/s")]),
        ])
        var sim = Simulator(config)
        try sim.inject(1_000, to: "slow.example", firstID: 1)
        try sim.inject(1_000, to: "fast.example", firstID: 10_000)
        sim.run(until: .seconds(10) - TimeSpan(milliseconds: 1))
        #expect(sim.started(in: "fast.example").count == 1_000)
        #expect(sim.started(in: "slow.example").count == 1)
    }
}

@Suite("Taking turns for connection slots")
struct SlotTurnTests {
    @Test("with more busy queues than engine-wide slots, every queue gets turns")
    func moreQueuesThanSlots() throws {
        let config = StaticEngineConfiguration(defaults: try settings([("max-smtp-out", "1")]))
        var sim = Simulator(config, tuning: EngineTuning(maxTotalConnections: 2, slotQuantum: 10))
        sim.transactionLatency = TimeSpan(milliseconds: 100)
        for (n, domain) in ["q1.example", "q2.example", "q3.example", "q4.example", "q5.example"].enumerated() {
            try sim.inject(500, to: domain, firstID: UInt64(n * 1000 + 1))
        }
        sim.run(until: .seconds(60))
        let perQueue = Dictionary(grouping: sim.started, by: { $0.tx.queue.domain }).mapValues(\.count)
        #expect(perQueue.count == 5)
        #expect(perQueue.values.allSatisfy { $0 >= 150 }, "\(perQueue)")
        #expect((sim.maxOpen.values.max() ?? 0) <= 1)
        #expect(sim.engine.openConnections <= 2)
    }
}
