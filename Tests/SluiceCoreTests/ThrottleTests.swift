import SluiceConfig
import Testing
@testable import SluiceCore

@Suite("Throttles on a virtual clock")
struct ThrottleTests {
    func simulator(burst: Int) throws -> Simulator {
        let config = StaticEngineConfiguration(domains: [
            "rate.example": try settings([("max-msg-rate", "50/s"), ("max-smtp-out", "5"),
                                          ("max-msg-per-connection", "100")]),
        ])
        var sim = Simulator(config, tuning: EngineTuning(messageRateBurst: burst))
        sim.connectLatency = TimeSpan(milliseconds: 30)
        sim.transactionLatency = TimeSpan(milliseconds: 40)
        return sim
    }

    @Test("max-msg-rate 50/s over 10 simulated minutes: 30,000 ±1%, never above the rate in any second; max-smtp-out and max-msg-per-connection hold")
    func messageRateTenMinutes() throws {
        var sim = try simulator(burst: 1)
        try sim.inject(40_000, to: "rate.example", firstID: 1)
        sim.run(until: Instant(milliseconds: 600_000 - 1))
        let sent = sim.started(in: "rate.example").count
        #expect(abs(sent - 30_000) <= 300, "sent \(sent)")
        let worst = sim.perSecond("rate.example").values.max() ?? 0
        #expect(worst <= 50)
        #expect(sim.maxOpen[QueueKey(domain: "rate.example", vmta: "default")] ?? 0 <= 5)
        #expect(sim.messagesOnConnection.values.max() ?? 0 <= 100)
        #expect(sim.messagesOnConnection.values.max() == 100, "connections are reused up to the limit")
    }

    @Test("a configured burst lets at most rate + burst - 1 messages into any second")
    func burst() throws {
        var sim = try simulator(burst: 10)
        try sim.inject(8_000, to: "rate.example", firstID: 1)
        sim.run(until: Instant(milliseconds: 120_000 - 1))
        let perSecond = sim.perSecond("rate.example")
        #expect((perSecond.values.max() ?? 0) <= 59)
        #expect((perSecond[0] ?? 0) > 50, "the burst is used at the start")
        #expect(abs(sim.started.count - 6_009) <= 60)
    }

    @Test("max-msg-per-hour caps each clock hour and names itself as the constraint")
    func hourlyCap() throws {
        let config = StaticEngineConfiguration(domains: ["cap.example": try settings([("max-msg-per-hour", "100")], line: 7)])
        var sim = Simulator(config)
        try sim.inject(250, to: "cap.example", firstID: 1)
        sim.run(until: .minutes(59))
        #expect(sim.started.count == 100)
        let snapshot = try #require(sim.engine.snapshot(of: QueueKey(domain: "cap.example", vmta: "default"), now: sim.now))
        #expect(snapshot.why == "rate-limited: max-msg-per-hour 100 (test.conf:7)")
        sim.run(until: .hours(1))
        #expect(sim.started.count == 200)
        #expect(sim.started.last.map { $0.time <= .hours(1) } == true)
        sim.run(until: .hours(2))
        #expect(sim.started.count == 250)
    }

    @Test("max-connect-rate spaces connection attempts")
    func connectRate() throws {
        let config = StaticEngineConfiguration(domains: ["c.example": try settings([("max-connect-rate", "2/m"),
                                                                                     ("max-msg-per-connection", "1")])])
        var sim = Simulator(config)
        sim.transactionLatency = TimeSpan(milliseconds: 100)
        try sim.inject(10, to: "c.example", firstID: 1)
        sim.run(until: .minutes(2))
        #expect(sim.openedConnections == 5, "one at 0s, then every 30s up to 120s")
    }

    @Test("max-rcpt-per-transaction splits a message's recipients; one transaction carries one message")
    func recipientsPerTransaction() throws {
        let config = StaticEngineConfiguration(domains: ["r.example": try settings([("max-rcpt-per-transaction", "3")])])
        var sim = Simulator(config)
        try sim.inject(2, to: "r.example", recipientsEach: 7, firstID: 1)
        sim.run(until: .seconds(10))
        #expect(sim.started.map { $0.tx.recipients.count }.sorted() == [1, 1, 3, 3, 3, 3])
        #expect(Set(sim.started.map(\.tx.messageID)).count == 2)
        #expect(sim.records(.delivered).count == 14)
        #expect(sim.finishedMessages.count == 2)
    }

    @Test("an idle connection is reused within idle-timeout and closed after it")
    func idleReuse() throws {
        let config = StaticEngineConfiguration(domains: ["i.example": try settings([("idle-timeout", "30s")])])
        var sim = Simulator(config)
        try sim.inject(1, to: "i.example", firstID: 1)
        sim.run(until: .seconds(10))
        try sim.inject(1, to: "i.example", firstID: 2)
        sim.run(until: .seconds(20))
        #expect(sim.openedConnections == 1)
        #expect(sim.engine.openConnections == 1)
        sim.run(until: .seconds(41))
        #expect(sim.engine.openConnections == 0, "closed 30 s after its last use")
        try sim.inject(1, to: "i.example", firstID: 3)
        sim.run(until: .seconds(50))
        #expect(sim.openedConnections == 2)
    }
}
