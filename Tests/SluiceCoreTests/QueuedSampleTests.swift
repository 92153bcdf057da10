import SluiceConfig
import Testing
@testable import SluiceCore

@Suite("Queued recipient sample")
struct QueuedSampleTests {
    static let key = QueueKey(domain: "slow.example", vmta: "default")

    @Test("a held queue of 50 gives its 20 oldest recipients, never attempted")
    func heldQueue() throws {
        var sim = Simulator(StaticEngineConfiguration())
        try sim.apply(.hold(domain: "slow.example"))
        for n in 0..<50 {
            sim.now = .seconds(Int64(n))
            try sim.inject(1, to: "slow.example", firstID: UInt64(n + 1))
        }
        let sample = sim.engine.queuedSample(of: Self.key, limit: 20)
        #expect(sample.map(\.message) == (1...20).map { MessageID(UInt64($0)) })
        #expect(sample.map(\.receivedAt) == (0..<20).map { Instant.seconds(Int64($0)) })
        #expect(sample.allSatisfy { $0.attempts == 0 && $0.lastReply.isEmpty && $0.nextAttempt == nil })
        #expect(sample.first?.recipient == "u0@slow.example")
        #expect(sim.engine.queuedSample(ofDomain: "Slow.Example", limit: 20) == sample)
        #expect(sim.engine.queuedSample(of: Self.key, limit: 0).isEmpty)
        #expect(sim.engine.queuedSample(of: QueueKey(domain: "none.example", vmta: "default"), limit: 20).isEmpty)
    }

    @Test("deferred recipients carry their attempts, next attempt and last reply; delivered ones leave the sample")
    func deferredRecipients() throws {
        let config = StaticEngineConfiguration(domains: [
            "slow.example": try settings([("retry-after", "10m"), ("bounce-after", "1d")]),
        ])
        var sim = Simulator(config)
        sim.answer = { tx, _ in
            tx.recipients.enumerated().map { i, _ in SMTPReply(i == 0 ? "250 2.0.0 ok" : "451 4.7.1 greylisted") }
        }
        try sim.inject(2, to: "slow.example", recipientsEach: 3, firstID: 1)
        sim.run(until: .minutes(1))
        let sample = sim.engine.queuedSample(of: Self.key, limit: 20)
        #expect(Set(sample.map(\.recipient)) == ["u1@slow.example", "u2@slow.example"])
        #expect(sample.count == 4)
        #expect(sample.allSatisfy { $0.attempts == 1 && $0.nextAttempt == .minutes(10) })
        #expect(sample.allSatisfy { $0.lastReply == "451 4.7.1 greylisted" })
        #expect(sim.engine.queuedSample(of: Self.key, limit: 3).count == 3)
    }
}
