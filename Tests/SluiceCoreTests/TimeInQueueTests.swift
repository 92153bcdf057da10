import SluiceConfig
import Testing
@testable import SluiceCore

@Suite("Time in queue: oldest waiting recipient and injection-to-outcome latency")
struct TimeInQueueTests {
    static let key = QueueKey(domain: "slow.example", vmta: "default")

    @Test("the oldest waiting recipient's message age, and the latency histogram of final outcomes")
    func oldestAndLatency() throws {
        let config = StaticEngineConfiguration(domains: [
            "slow.example": try settings([("retry-after", "10m"), ("bounce-after", "1d")]),
        ])
        var sim = Simulator(config)
        sim.answer = { tx, at in tx.recipients.map { _ in SMTPReply(at < .minutes(10) ? "451 4.3.0 later" : "250 ok") } }
        try sim.inject(2, to: "slow.example", firstID: 1)
        sim.run(until: .minutes(3))
        try sim.inject(1, to: "slow.example", firstID: 10)
        sim.run(until: .minutes(5))
        let waiting = try #require(sim.engine.snapshot(of: Self.key, now: sim.now))
        #expect(waiting.queued == 3)
        #expect(waiting.oldestQueued == .zero, "the first two messages, received at 0, are the oldest")
        #expect(waiting.latency.total == 0)
        sim.run(until: .minutes(30))
        let done = try #require(sim.engine.snapshot(of: Self.key, now: sim.now))
        #expect(done.queued == 0)
        #expect(done.oldestQueued == nil)
        // Retried after 10 minutes: delivered 600 s (two) and 600 s (the third, injected at 3 min
        // and deferred at 3 min) after injection: all in the (500, 1000] bucket.
        #expect(done.latency.total == 3)
        let bucket = try #require(LatencyHistogram.boundsSeconds.firstIndex(of: 1_000))
        #expect(done.latency.counts[bucket] == 3)
        #expect(done.latency.sumSeconds == 1_800)
    }

    @Test("quantiles interpolate inside their bucket; histograms add up")
    func quantiles() {
        var h = LatencyHistogram()
        #expect(h.quantile(0.5) == nil)
        for _ in 0..<90 { h.record(milliseconds: 1_500) }    // (1, 2]
        for _ in 0..<10 { h.record(milliseconds: 400_000) }  // (200, 500]
        #expect(h.total == 100)
        let median: Double = 1 + 50.0 / 90, p95: Double = 350, p99: Double = 470
        #expect(abs((h.quantile(0.5) ?? 0) - median) < 1e-9, "rank 50 of the 90 in (1, 2]")
        #expect(abs((h.quantile(0.95) ?? 0) - p95) < 1e-9, "rank 5 of the 10 in (200, 500]")
        #expect(abs((h.quantile(0.99) ?? 0) - p99) < 1e-9, "rank 9 of the 10 in (200, 500]")
        var late = LatencyHistogram()
        late.record(milliseconds: 9_000_000_000)
        #expect(late.quantile(0.99) == LatencyHistogram.boundsSeconds.last, "beyond the last bound: the last bound")
        let sum = h + late
        #expect(sum.total == 101)
        #expect(sum.sumSeconds == h.sumSeconds + late.sumSeconds)
    }
}
