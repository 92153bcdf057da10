import SluiceConfig
import Testing
@testable import SluiceCore

@Suite("Connection-level refusals counted beside recipient deferrals")
struct ConnectionRefusalTests {
    static let key = QueueKey(domain: "yahoo.example", vmta: "default")
    static let tss04 = "421 4.7.0 [TSS04] Messages from 127.0.0.9 temporarily deferred due to unexpected volume or user complaints"

    func simulator() throws -> Simulator {
        let config = StaticEngineConfiguration(domains: [
            "yahoo.example": try settings([("retry-after", "10m"), ("max-smtp-out", "4")]),
        ])
        return Simulator(config)
    }

    @Test("every 421 greeting counts as a refused connection, even when it carries no recipient's deferral")
    func greetingRefusals() throws {
        var sim = try simulator()
        sim.connectOutcome = { _, at in at < .minutes(10) ? .rejected(SMTPReply(Self.tss04)) : nil }
        try sim.inject(3, to: "yahoo.example", firstID: 1)
        sim.run(until: .seconds(30))
        let during = try #require(sim.engine.snapshot(of: Self.key, now: sim.now)).stats
        // Three connections were refused; only the last, left alone, deferred its transaction.
        #expect(sim.openedConnections == 3)
        #expect(during[.refusedConnections].total == 3)
        #expect(during[.refusedConnections].per1m * 60 == 3)
        #expect(during[.deferredAttempts].total == 1)
        #expect(sim.engine.totalStats(now: sim.now)[.refusedConnections].total == 3)
        #expect(sim.engine.domainStats("yahoo.example", now: sim.now)?[.refusedConnections].total == 3)
        // Two minutes later the minute's rate is back to zero; the total stays.
        sim.run(until: .minutes(2))
        let later = try #require(sim.engine.snapshot(of: Self.key, now: sim.now)).stats
        #expect(later[.refusedConnections].per1m == 0)
        #expect(later[.refusedConnections].total == 3)
        sim.run(until: .minutes(12))
        #expect(sim.records(.delivered).count == 3)
    }

    @Test("a connection that is not answered is not a refusal")
    func noAnswerIsNotRefusal() throws {
        var sim = try simulator()
        sim.connectOutcome = { _, at in at < .minutes(10) ? .noAnswer("connection timed out") : nil }
        try sim.inject(2, to: "yahoo.example", firstID: 1)
        sim.run(until: .minutes(5))
        let stats = try #require(sim.engine.snapshot(of: Self.key, now: sim.now)).stats
        #expect(stats[.refusedConnections].total == 0)
        #expect(stats[.deferredAttempts].total == 1)
    }
}
