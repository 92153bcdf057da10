import SluiceConfig
import Testing
@testable import SluiceCore

@Suite("Stats windows and event rings")
struct StatsTests {
    @Test("counter rates over 10 s, 1 min, 5 min and 1 h, and a per-second history of 5 minutes")
    func windows() {
        var c = TrafficCounters()
        // 10 per second for 120 s (t = 0 … 119 s).
        for s in 0..<120 { c.add(.delivered, 10, atMs: Int64(s) * 1000 + 500) }
        let at = Int64(119_999)
        let stats = c.snapshot(atMs: at)[.delivered]
        #expect(stats.total == 1_200)
        #expect(stats.per10s == 10)
        #expect(stats.per1m == 10)
        #expect(stats.per5m == 4)
        #expect(stats.per1h == 1_200.0 / 3600)
        #expect(stats.history.count == 300)
        #expect(stats.history.suffix(120).allSatisfy { $0 == 10 })
        #expect(stats.history.prefix(180).allSatisfy { $0 == 0 })
        // Ten minutes of silence later the short windows are empty, the hour still counts.
        let later = c.snapshot(atMs: at + 600_000)[.delivered]
        #expect(later.per10s == 0 && later.per5m == 0)
        #expect(later.per1h == 1_200.0 / 3600)
        #expect(c.snapshot(atMs: at + 3_700_000)[.delivered].per1h == 0)
        #expect(c.snapshot(atMs: at)[.bounced].total == 0)
    }

    @Test("queue, domain and vmta counters: deferrals counted once per attempt; events bounded")
    func engineCounters() throws {
        let config = StaticEngineConfiguration(virtualMTANames: ["v1", "v2"])
        var sim = Simulator(config, tuning: EngineTuning(queueEventCapacity: 4, globalEventCapacity: 6))
        sim.answer = { tx, at in tx.recipients.map { _ in SMTPReply(at < .minutes(10) ? "421 4.7.0 later" : "250 ok") } }
        try sim.inject(5, to: "s.example", vmta: "v1", firstID: 1, size: 300)
        try sim.inject(3, to: "s.example", vmta: "v2", firstID: 100, size: 300)
        sim.run(until: .minutes(11))
        let q = try #require(sim.engine.snapshot(of: QueueKey(domain: "s.example", vmta: "v1"), now: sim.now)).stats
        #expect(q[.injected].total == 5)
        #expect(q[.deferredAttempts].total == 5)
        #expect(q[.delivered].total == 5)
        #expect(q[.bytes].total == 1_500)
        #expect(q[.connections].total >= 1)
        let domain = try #require(sim.engine.domainStats("S.example", now: sim.now))
        #expect(domain[.delivered].total == 8)
        #expect(domain[.deferredAttempts].total == 8)
        #expect(sim.engine.vmtaStats("v2", now: sim.now)?[.delivered].total == 3)
        #expect(sim.engine.totalStats(now: sim.now)[.injected].total == 8)
        let events = try #require(sim.engine.snapshot(of: QueueKey(domain: "s.example", vmta: "v1"), now: sim.now)).recentEvents
        #expect(events.count == 4)
        #expect(sim.engine.recentEvents.count == 6)
        let deferral = try #require(sim.engine.recentEvents.last { $0.kind == .deferred })
        #expect(deferral.detail == "421 4.7.0 later")
        #expect(deferral.recipient == "u0@s.example")
        #expect(deferral.category == .policyRelated)
    }

    @Test("each queue says why it is not sending faster")
    func constraints() throws {
        let config = StaticEngineConfiguration(domains: [
            "rate.example": try settings([("max-msg-rate", "1/m")], file: "sluice.conf", line: 41),
            "conn.example": try settings([("max-smtp-out", "2")], file: "sluice.conf", line: 50),
        ])
        var sim = Simulator(config)
        sim.transactionLatency = .seconds(10)
        try sim.inject(5, to: "rate.example", firstID: 1)
        try sim.inject(10, to: "conn.example", firstID: 100)
        sim.run(until: .seconds(30))
        func why(_ domain: String) -> String? { sim.engine.snapshot(of: QueueKey(domain: domain, vmta: "default"), now: sim.now)?.why }
        #expect(why("rate.example") == "rate-limited: max-msg-rate 1/m (sluice.conf:41)")
        #expect(why("conn.example") == "connection-limited: max-smtp-out 2 (sluice.conf:50)")
        sim.run(until: .minutes(1))
        #expect(why("conn.example") == "empty")
    }
}
