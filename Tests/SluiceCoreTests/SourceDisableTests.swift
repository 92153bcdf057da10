import SluiceConfig
import Testing
@testable import SluiceCore

/// `disable-source-ip`: a (source address, destination) pair stops for a while, on its own.
@Suite("disable-source-ip in the engine")
struct SourceDisableTests {
    static let blocked = "451 4.7.1 [192.0.2.10] temporarily blocked for poor reputation"

    /// `blocked.test` and `other.test` with a pattern list whose rule disables the source for
    /// `span` (nil: no duration given); vmtas v1 (the given addresses) and v2 (192.0.2.20).
    static func simulator(span: TimeSpan? = .minutes(10), v1Sources: [String] = ["192.0.2.10"],
                          extra: [(String, String)] = []) throws -> Simulator {
        let list = SMTPPatternList(name: "blocks", rules: [
            SMTPPatternRule(regex: try PatternRegex("temporarily blocked"), actions: [.disableSourceIP(span)]),
        ])
        let domain = try settings([("smtp-pattern-list", "blocks"), ("retry-after", "1m"), ("max-smtp-out", "2")] + extra)
        let config = StaticEngineConfiguration(
            domains: ["blocked.test": domain, "other.test": domain], patternLists: ["blocks": list],
            virtualMTANames: ["v1", "v2"])
        var withSources = config
        withSources.sourceAddresses = ["v1": v1Sources, "v2": ["192.0.2.20"]]
        var sim = Simulator(withSources)
        sim.transactionLatency = TimeSpan(milliseconds: 100)
        return sim
    }

    /// The sources started on for `key`'s transactions at or after `from`.
    static func sources(_ sim: Simulator, _ key: QueueKey, from: Instant = .zero) -> [Int] {
        zip(sim.started, sim.startedSources).filter { $0.0.tx.queue == key && $0.0.time >= from }.map(\.1)
    }

    @Test("the pair stops for the duration: the same vmta sends to another domain, another vmta to the domain; it resumes at expiry")
    func pairOnly() throws {
        var sim = try Self.simulator()
        let v1Blocked = QueueKey(domain: "blocked.test", vmta: "v1")
        let until = Instant.minutes(10)
        // v1's address is refused by blocked.test until minute 10; everything else is accepted.
        sim.answer = { tx, at in
            let refused = tx.queue == v1Blocked && at < until
            return tx.recipients.map { _ in SMTPReply(refused ? Self.blocked : "250 2.0.0 ok") }
        }
        try sim.inject(1, to: "blocked.test", vmta: "v1", firstID: 1)
        sim.run(until: .seconds(5))
        let snapshot = try #require(sim.engine.snapshot(of: v1Blocked, now: sim.now))
        let disabled = try #require(snapshot.disabledSources.first)
        #expect(disabled.source == "192.0.2.10" && disabled.destination == "blocked.test")
        #expect(disabled.until == Instant(milliseconds: 100) + .minutes(10))
        #expect(disabled.reply == Self.blocked && disabled.patternList == "blocks")
        #expect(snapshot.constraints.first == .sourcesDisabled(disabled))
        #expect(snapshot.pausedBy == nil && sim.engine.controls.isEmpty, "not an operator pause")
        #expect(sim.sourceEvents == [.sourceDisabled(disabled)])

        // Meanwhile v1 delivers to other.test and v2 to blocked.test.
        try sim.inject(3, to: "other.test", vmta: "v1", firstID: 10)
        try sim.inject(3, to: "blocked.test", vmta: "v2", firstID: 20)
        sim.run(until: .minutes(9))
        let delivered = sim.records(.delivered).map(\.queue)
        #expect(delivered.filter { $0 == QueueKey(domain: "other.test", vmta: "v1") }.count == 3)
        #expect(delivered.filter { $0 == QueueKey(domain: "blocked.test", vmta: "v2") }.count == 3)
        #expect(Self.sources(sim, v1Blocked, from: .seconds(1)).isEmpty, "no transaction from the disabled pair")

        // At expiry the pair is enabled again by itself and the deferred recipient goes out.
        sim.run(until: .minutes(12))
        #expect(sim.sourceEvents.count == 2)
        guard case .sourceEnabled(let enabled)? = sim.sourceEvents.last else {
            Issue.record("no source-enabled action")
            return
        }
        #expect(enabled.source == "192.0.2.10")
        let resumed = try #require(sim.records(.delivered).first { $0.queue == v1Blocked })
        #expect(resumed.time >= disabled.until)
        #expect(sim.engine.snapshot(of: v1Blocked, now: sim.now)?.disabledSources.isEmpty == true)
    }

    @Test("without a duration the pair is disabled for 1h")
    func defaultDuration() throws {
        var sim = try Self.simulator(span: nil)
        sim.answer = { tx, _ in tx.recipients.map { _ in SMTPReply(Self.blocked) } }
        try sim.inject(1, to: "blocked.test", vmta: "v1", firstID: 1)
        sim.run(until: .seconds(5))
        let disabled = try #require(sim.engine.snapshot(of: QueueKey(domain: "blocked.test", vmta: "v1"), now: sim.now)?
            .disabledSources.first)
        #expect(disabled.until - disabled.since == DeliveryEngine.defaultSourceDisableSpan)
        #expect(DeliveryEngine.defaultSourceDisableSpan == .hours(1))
    }

    @Test("a vmta with two source addresses takes them in turn and goes on with the other while one is disabled")
    func rotation() throws {
        var sim = try Self.simulator(v1Sources: ["192.0.2.10", "192.0.2.11"])
        let key = QueueKey(domain: "blocked.test", vmta: "v1")
        // Only the first address (index 0) is refused, and only for the first minute.
        sim.answerBySource = { tx, source, at in
            tx.recipients.map { _ in SMTPReply(source == 0 && at < .minutes(1) ? Self.blocked : "250 2.0.0 ok") }
        }
        try sim.inject(40, to: "blocked.test", vmta: "v1", firstID: 1)
        sim.run(until: .minutes(2))
        #expect(Set(Self.sources(sim, key, from: .zero).prefix(2)) == [0, 1], "the two connections use the two addresses")
        let disabledAt = try #require(sim.records(.deferred).first?.time)
        #expect(Self.sources(sim, key, from: disabledAt + TimeSpan(milliseconds: 1)).allSatisfy { $0 == 1 },
                "only the other address sends while the first is disabled")
        #expect(sim.records(.delivered).count == 40)
        #expect(sim.engine.snapshot(of: key, now: sim.now)?.constraints.contains { if case .sourcesDisabled = $0 { true } else { false } } == false)
    }

    @Test("with every source disabled the queue waits for the earliest expiry; backoff-upon-all-sources-disabled backs it off")
    func allSourcesDisabled() throws {
        for backoff in [false, true] {
            var sim = try Self.simulator(extra: [("backoff-upon-all-sources-disabled", backoff ? "yes" : "no"),
                                                 ("backoff-retry-after", "2m")])
            let key = QueueKey(domain: "blocked.test", vmta: "v1")
            sim.answer = { tx, at in tx.recipients.map { _ in SMTPReply(at < .minutes(10) ? Self.blocked : "250 2.0.0 ok") } }
            try sim.inject(5, to: "blocked.test", vmta: "v1", firstID: 1)
            sim.run(until: .minutes(1))
            let snapshot = try #require(sim.engine.snapshot(of: key, now: sim.now))
            #expect(snapshot.mode == (backoff ? .backoff : .normal))
            let until = try #require(snapshot.disabledSources.first?.until)
            let attempts = sim.started.count
            sim.run(until: until - TimeSpan(milliseconds: 1))
            #expect(sim.started.count == attempts, "nothing sent while every source is disabled")
            sim.run(until: until + .minutes(3))
            #expect(sim.records(.delivered).count == 5)
            #expect(sim.records(.delivered).allSatisfy { $0.time >= until })
        }
    }

    @Test("backoff-reroute-to-virtual-mta: a queue in backoff sends its waiting mail through the other vmta's queue")
    func reroute() throws {
        let list = SMTPPatternList(name: "isp", rules: [
            SMTPPatternRule(regex: try PatternRegex("^421 4\\.7\\.0"), actions: [.mode(.backoff)]),
        ])
        var config = StaticEngineConfiguration(
            domains: ["isp.test": try settings([("smtp-pattern-list", "isp"), ("retry-after", "1m"),
                                                ("backoff-retry-after", "1h"), ("backoff-reroute-to-virtual-mta", "v2")])],
            patternLists: ["isp": list], virtualMTANames: ["v1", "v2"])
        config.sourceAddresses = ["v1": ["192.0.2.10"], "v2": ["192.0.2.20"]]
        var sim = Simulator(config)
        sim.transactionLatency = TimeSpan(milliseconds: 100)
        let v1 = QueueKey(domain: "isp.test", vmta: "v1"), v2 = QueueKey(domain: "isp.test", vmta: "v2")
        sim.answer = { tx, _ in tx.recipients.map { _ in SMTPReply(tx.queue == v1 ? "421 4.7.0 try later" : "250 2.0.0 ok") } }
        try sim.inject(10, to: "isp.test", vmta: "v1", firstID: 1)
        sim.run(until: .minutes(5))
        #expect(sim.engine.snapshot(of: v1, now: sim.now)?.mode == .backoff)
        #expect(sim.records(.delivered).count == 10, "the backed-off queue's mail went out through v2")
        #expect(sim.records(.delivered).allSatisfy { $0.queue == v2 })
        #expect(sim.engine.snapshot(of: v1, now: sim.now)?.queued == 0)
        #expect(sim.engine.snapshot(of: v1, now: sim.now)?.recentEvents.contains { $0.kind == .rerouted } == true)
        // New mail for the backed-off queue follows.
        try sim.inject(3, to: "isp.test", vmta: "v1", firstID: 100)
        sim.run(until: .minutes(6))
        #expect(sim.records(.delivered).count == 13)
        #expect(sim.records(.delivered).allSatisfy { $0.queue == v2 })
    }
}

extension SourceDisableTests {
    @Test("every source disabled, backoff-upon-all-sources-disabled and backoff-reroute-to-virtual-mta: the mail goes out through the other vmta meanwhile")
    func allDisabledBackoffReroutes() throws {
        var sim = try Self.simulator(extra: [("backoff-upon-all-sources-disabled", "yes"), ("backoff-reroute-to-virtual-mta", "v2")])
        let v1 = QueueKey(domain: "blocked.test", vmta: "v1"), v2 = QueueKey(domain: "blocked.test", vmta: "v2")
        sim.answer = { tx, _ in tx.recipients.map { _ in SMTPReply(tx.queue == v1 ? Self.blocked : "250 2.0.0 ok") } }
        try sim.inject(6, to: "blocked.test", vmta: "v1", firstID: 1)
        sim.run(until: .minutes(2))
        let snapshot = try #require(sim.engine.snapshot(of: v1, now: sim.now))
        #expect(snapshot.mode == .backoff)
        #expect(snapshot.disabledSources.count == 1 && snapshot.queued == 0)
        #expect(sim.records(.delivered).count == 6)
        #expect(sim.records(.delivered).allSatisfy { $0.queue == v2 })
    }
}
