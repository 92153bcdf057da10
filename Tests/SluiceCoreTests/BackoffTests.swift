import SluiceConfig
import Testing
@testable import SluiceCore

@Suite("Backoff driven by smtp-pattern-list")
struct BackoffTests {
    static let key = QueueKey(domain: "isp.example", vmta: "default")

    func simulator(stormFrom: Instant, stormUntil: Instant) throws -> Simulator {
        let list = SMTPPatternList(name: "isp", rules: [
            SMTPPatternRule(regex: try PatternRegex("^421 4\\.7\\.0"), actions: [.mode(.backoff)]),
            SMTPPatternRule(regex: try PatternRegex("^250 .*welcome back"), actions: [.mode(.normal)]),
        ])
        let config = StaticEngineConfiguration(
            domains: ["isp.example": try settings([
                ("max-msg-rate", "20/s"), ("max-smtp-out", "8"), ("retry-after", "10m"),
                ("backoff-max-msg-rate", "10/m"), ("backoff-max-smtp-out", "2"), ("backoff-retry-after", "30m"),
                ("backoff-to-normal-after", "1h"), ("smtp-pattern-list", "isp"),
            ])],
            patternLists: ["isp": list])
        var sim = Simulator(config)
        sim.transactionLatency = TimeSpan(milliseconds: 200)
        sim.answer = { tx, at in
            let storm = at >= stormFrom && at < stormUntil
            return tx.recipients.map { _ in SMTPReply(storm ? "421 4.7.0 [TS01] Messages from 192.0.2.1 temporarily deferred" : "250 2.0.0 ok") }
        }
        return sim
    }

    @Test("a 421 4.7.0 storm switches the queue to backoff on that reply, applies backoff limits, and returns to normal after backoff-to-normal-after")
    func storm() throws {
        var sim = try simulator(stormFrom: .seconds(60), stormUntil: .seconds(120))
        try sim.inject(5_000, to: "isp.example", firstID: 1)
        sim.run(until: .minutes(10)) { !$0.records(.deferred).isEmpty }
        let first = try #require(sim.records(.deferred).first)
        let t0 = first.time
        // The mode switched on that very reply; its retry already uses backoff-retry-after.
        let during = try #require(sim.engine.snapshot(of: Self.key, now: sim.now))
        #expect(during.mode == .backoff)
        #expect(during.backoffSince == t0)
        #expect(first.nextAttempt == t0 + .minutes(30))
        #expect(first.category == .policyRelated)
        #expect(first.diagnostic.hasPrefix("421 4.7.0 [TS01]"))
        #expect(during.constraints.first == .backoff(since: t0))

        // Backoff limits: transactions already running finish; after that at most 2 connections and 10 messages a minute.
        let settle = t0 + .seconds(1)
        sim.run(until: t0 + .minutes(59))
        let inBackoff = sim.started(in: "isp.example").filter { $0.time >= settle && $0.time < t0 + .minutes(59) }
        #expect(inBackoff.count <= 59 * 10 + 1)
        var perMinute: [Int64: Int] = [:]
        for s in inBackoff { perMinute[(s.time.milliseconds - settle.milliseconds) / 60_000, default: 0] += 1 }
        #expect((perMinute.values.max() ?? 0) <= 10)
        #expect(!inBackoff.isEmpty)
        #expect(sim.engine.openConnections <= 2)

        // Back to normal exactly backoff-to-normal-after later.
        sim.run(until: t0 + .hours(1) - TimeSpan(milliseconds: 1))
        #expect(sim.engine.snapshot(of: Self.key, now: sim.now)?.mode == .backoff)
        sim.run(until: t0 + .hours(1))
        let after = try #require(sim.engine.snapshot(of: Self.key, now: sim.now))
        #expect(after.mode == .normal)
        #expect(after.recentEvents.contains { $0.kind == .modeChanged && $0.time == t0 + .hours(1) && $0.detail.contains("backoff-to-normal-after") })
        // And the normal rate returns: 20/s over the next minute.
        let before = sim.started.count
        sim.run(until: t0 + .hours(1) + .minutes(1))
        #expect(abs(sim.started.count - before - 1_200) <= 20)
        #expect((sim.maxOpen[Self.key] ?? 0) <= 8)
    }

    @Test("a mode=normal reply ends backoff; an operator can set the mode")
    func normalPatternAndOperator() throws {
        var sim = try simulator(stormFrom: .seconds(0), stormUntil: .seconds(1))
        sim.answer = { tx, at in
            tx.recipients.map { _ in SMTPReply(at < .seconds(1) ? "421 4.7.0 slow down" : "250 2.0.0 welcome back") }
        }
        try sim.inject(3, to: "isp.example", firstID: 1)
        sim.run(until: .seconds(1))
        #expect(sim.engine.snapshot(of: Self.key, now: sim.now)?.mode == .backoff)
        try sim.apply(.schedule(target: .domain("isp.example")))
        sim.run(until: .minutes(5))
        #expect(sim.engine.snapshot(of: Self.key, now: sim.now)?.mode == .normal)
        try sim.apply(.setMode(target: .queue(Self.key), mode: "backoff"))
        #expect(sim.engine.snapshot(of: Self.key, now: sim.now)?.mode == .backoff)
        #expect(throws: ControlError.unknownQueue("nowhere.example")) {
            try sim.apply(.setMode(target: .domain("nowhere.example"), mode: "backoff"))
        }
    }

    @Test("bounce-rcpt bounces the recipient a matching temporary reply was for; other temporary replies still defer")
    func bounceRecipientAction() throws {
        let list = SMTPPatternList(name: "isp", rules: [
            SMTPPatternRule(regex: try PatternRegex("mailbox disabled"), actions: [.bounceRecipient]),
        ])
        let config = StaticEngineConfiguration(
            domains: ["isp.example": try settings([("retry-after", "10m"), ("smtp-pattern-list", "isp")])],
            patternLists: ["isp": list])
        var sim = Simulator(config)
        sim.answer = { tx, _ in
            tx.recipients.map { r in
                SMTPReply(r.hasPrefix("u0@") ? "452 4.2.1 mailbox disabled, try later" : "451 4.3.0 try again later")
            }
        }
        try sim.inject(1, to: "isp.example", recipientsEach: 2, firstID: 1)
        sim.run(until: .minutes(1))
        let bounced = sim.records(.bounced)
        #expect(bounced.map(\.recipient) == ["u0@isp.example"])
        #expect(bounced.first?.diagnostic.hasPrefix("452 4.2.1 mailbox disabled") == true)
        #expect(sim.records(.deferred).map(\.recipient) == ["u1@isp.example"])
    }

    /// deleteQueued once held `SMTPReply(asBounces ? diagnostic : diagnostic)`; the difference its
    /// two branches were meant to make is the caller's now: `delete --bounce` passes a
    /// `550 5.0.0` diagnostic, a silent delete a bare text, and bounce-queue the matching reply
    /// itself. These are the records each path gives the recipients it takes off the queue.
    @Test("bounce-queue bounces every queued recipient with the matching reply, its status and category")
    func bounceQueueAction() throws {
        let list = SMTPPatternList(name: "isp", rules: [
            SMTPPatternRule(regex: try PatternRegex("^550 5\\.7\\.1 .*blocked"), actions: [.bounceQueue]),
        ])
        let config = StaticEngineConfiguration(
            domains: ["isp.example": try settings([("max-smtp-out", "1"), ("max-msg-per-connection", "1"),
                                                   ("smtp-pattern-list", "isp")])],
            patternLists: ["isp": list])
        var sim = Simulator(config)
        sim.transactionLatency = TimeSpan(milliseconds: 100)
        let reply = "550 5.7.1 [BL01] 192.0.2.1 blocked for spam"
        sim.answer = { tx, _ in tx.recipients.map { _ in SMTPReply(reply) } }
        try sim.inject(5, to: "isp.example", firstID: 1)
        sim.run(until: .minutes(1))
        let bounced = sim.records(.bounced)
        #expect(bounced.count == 5)
        #expect(sim.started.count == 1, "the queue was emptied after the first reply")
        #expect(bounced.allSatisfy { $0.diagnostic == reply && $0.status == "5.7.1" })
        let category = try #require(bounced.first?.category)
        #expect(category != .other)
        #expect(bounced.allSatisfy { $0.category == category })
        #expect(sim.engine.pendingRecipients == 0)
    }
}
