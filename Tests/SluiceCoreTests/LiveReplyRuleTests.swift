import SluiceConfig
import Testing
@testable import SluiceCore

@Suite("Live reply rules: tried before the smtp-pattern-list, audited controls")
struct LiveReplyRuleTests {
    static let yahoo1 = QueueKey(domain: "yahoo.com", vmta: "v1")
    static let yahoo2 = QueueKey(domain: "yahoo.com", vmta: "v2")
    static let gmail1 = QueueKey(domain: "gmail.com", vmta: "v1")

    static func tss04(_ ip: String) -> String {
        "421 4.7.0 [TSS04] Messages from \(ip) temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; "
            + "see https://postmaster.yahooinc.com/error-codes"
    }

    /// yahoo.com's configured list switches to backoff on any 421 4.7.0 (the operator's new rule
    /// disables the source address instead for TSS04).
    static func configuration() throws -> StaticEngineConfiguration {
        let yahoo = SMTPPatternList(name: "yahoo", rules: [
            SMTPPatternRule(regex: try PatternRegex(#"^421 4\.7\.0"#), actions: [.mode(.backoff)],
                            location: SourceLocation(file: "yahoo.conf", line: 7, column: 5)),
        ])
        return StaticEngineConfiguration(
            domains: ["yahoo.com": try settings([("smtp-pattern-list", "yahoo"), ("retry-after", "1m")])],
            patternLists: ["yahoo": yahoo], virtualMTANames: ["v1", "v2"])
    }

    @Test("a dry run's count equals, per queue, what the applied rule then takes on the replayed replies")
    func dryRunEqualsReplay() throws {
        var stats = ReplyPatternStats()
        let t0 = Instant.seconds(1_000)
        let replies: [(String, QueueKey)] = (0..<60).map { i in
            switch i % 4 {
            case 0: (Self.tss04("203.0.113.\(i)"), Self.yahoo1)
            case 1: (Self.tss04("198.51.100.\(i)"), Self.yahoo2)
            case 2: ("421 4.7.0 [TSS09] All messages from 192.0.2.\(i) will be permanently deferred", Self.yahoo1)
            default: ("421-4.7.28 [203.0.113.\(i)] unusual rate of unsolicited mail. x\(i)y - gsmtp", Self.gmail1)
            }
        }
        for (i, (reply, queue)) in replies.enumerated() {
            stats.record(reply, outcome: .deferred, queue: queue, at: t0 + TimeSpan.seconds(Int64(i)))
        }
        let now = t0 + TimeSpan.seconds(120)
        let template = try #require(stats.summaries(at: now, limit: 10).first { $0.template.contains("TSS04") }).template
        let pattern = TemplatePattern.pattern(for: template)

        var engine = DeliveryEngine(configuration: try Self.configuration())
        for (n, key) in [Self.yahoo1, Self.yahoo2, Self.gmail1].enumerated() {
            _ = try engine.inject(Message(id: MessageID(UInt64(n + 1)), sender: "s@x.example", recipients: ["u@\(key.domain)"],
                                          size: 10, vmta: "", receivedAt: .zero),
                              route: InjectionRoute(defaultVMTA: key.vmta), now: .zero)
        }
        let dry = ReplyRuleDraft.dryRun(try PatternRegex(pattern), over: stats.recordedReplies(since: now - .hours(1)),
                                        list: { engine.patternList(for: $0) })
        #expect(dry.matched == 30)
        #expect(dry.alreadyMatchedBy.map(\.list) == ["yahoo"], "the configured rule took them until now")

        _ = try engine.apply(.addReplyRule(target: .domain("yahoo.com"), pattern: pattern, actions: "disable-source-ip=30m"),
                             by: ControlRequest(who: "console", why: "TSS04 storm"), now: now)
        let control = try #require(engine.activeControls.last)
        for share in dry.queues {
            let key = try #require(QueueKey(parsing: share.name))
            let taken = replies.filter { $0.1 == key }
                .filter { engine.replyRuleMatch(for: key, reply: $0.0)?.origin == "reply-rule #\(control.id)" }.count
            #expect(taken == share.count, "\(share.name)")
        }
        // The other replies still go to the configured rule; gmail.com has no rule at all.
        #expect(engine.replyRuleMatch(for: Self.yahoo1, reply: replies[2].0)?.origin == "smtp-pattern-list yahoo")
        #expect(engine.replyRuleMatch(for: Self.gmail1, reply: replies[3].0) == nil)
    }

    @Test("applied, the rule acts on deliveries before the list; cancelled, the list acts again")
    func actsBeforeTheListUntilCancelled() throws {
        var sim = Simulator(try Self.configuration())
        var reply = Self.tss04("203.0.113.9")
        sim.answer = { tx, _ in tx.recipients.map { _ in SMTPReply(reply) } }
        try sim.apply(.addReplyRule(target: .queue(Self.yahoo1), pattern: #"\[TSS04\]"#, actions: "bounce-rcpt"),
                      why: "these never get through")
        try sim.inject(3, to: "yahoo.com", vmta: "v1", firstID: 1)
        sim.run(until: .seconds(5))
        #expect(sim.records(.bounced).count == 3, "bounce-rcpt: bounced on the first reply, not deferred")
        #expect(sim.engine.snapshot(of: Self.yahoo1, now: sim.now)?.mode == .normal, "the list's backoff did not act")

        let id = try #require(sim.engine.activeControls.last?.id)
        try sim.apply(.cancelControl(id: "\(id)"))
        reply = Self.tss04("203.0.113.10")
        try sim.inject(1, to: "yahoo.com", vmta: "v1", firstID: 10)
        sim.run(until: .seconds(10))
        #expect(sim.records(.deferred).count == 1)
        #expect(sim.engine.snapshot(of: Self.yahoo1, now: sim.now)?.mode == .backoff, "the configured rule again")
        sim.checkInvariants()
    }

    @Test("a disable-source-ip rule names itself as the rule that disabled the address")
    func disablesSourceByName() throws {
        var sim = Simulator(try Self.configuration())
        sim.answer = { tx, _ in tx.recipients.map { _ in SMTPReply(Self.tss04("203.0.113.9")) } }
        try sim.apply(.addReplyRule(target: .domain("yahoo.com"), pattern: "TSS04", actions: "disable-source-ip=30m"))
        let id = try #require(sim.engine.activeControls.last?.id)
        try sim.inject(1, to: "yahoo.com", vmta: "v1", firstID: 1)
        sim.run(until: .seconds(5))
        let disabled = try #require(sim.engine.snapshot(of: Self.yahoo1, now: sim.now)?.disabledSources.first)
        #expect(disabled.patternList == "reply-rule #\(id)")
        #expect(disabled.ruleOrigin == "reply-rule #\(id)")
        #expect(disabled.until == disabled.since + .minutes(30))
    }

    @Test("bad rules are refused with the reason; a rule on a vmta or a job is refused; the same pattern replaces the rule")
    func refusalsAndReplacement() throws {
        var sim = Simulator(try Self.configuration())
        #expect(throws: ControlError.self) { try sim.apply(.addReplyRule(target: .domain("yahoo.com"), pattern: "(", actions: "bounce-rcpt")) }
        #expect(throws: ControlError.self) { try sim.apply(.addReplyRule(target: .domain("yahoo.com"), pattern: "x", actions: "mode=fast")) }
        #expect(throws: ControlError.self) { try sim.apply(.addReplyRule(target: .domain("yahoo.com"), pattern: "", actions: "bounce-rcpt")) }
        #expect(throws: ControlError.self) { try sim.apply(.addReplyRule(target: .vmta("v1"), pattern: "x", actions: "bounce-rcpt")) }
        #expect(throws: ControlError.self) { try sim.apply(.addReplyRule(target: .job("j"), pattern: "x", actions: "bounce-rcpt")) }
        #expect(throws: ControlError.unknownQueue("yahoo.com/v9")) {
            try sim.apply(.addReplyRule(target: .queue(QueueKey(domain: "yahoo.com", vmta: "v9")), pattern: "x", actions: "bounce-rcpt"))
        }
        #expect(sim.engine.activeControls.isEmpty)
        try sim.apply(.addReplyRule(target: .domain("yahoo.com"), pattern: "TSS04", actions: "mode=backoff"))
        try sim.apply(.addReplyRule(target: .domain("yahoo.com"), pattern: "TSS04", actions: "bounce-rcpt"))
        #expect(sim.engine.activeControls.map(\.kind) == [.replyRule(.domain("yahoo.com"), pattern: "TSS04", actions: "bounce-rcpt")])
    }

    @Test("a pattern from the control plane with a repeated group that repeats inside is refused (exponential matching); template patterns pass")
    func catastrophicPatternsRefused() throws {
        for bad in ["(a+)+$", "(\\S*x)*", "((ab)*c)+", "(x{2,})*", "(?:a*)+b"] {
            #expect(throws: ValueError.self, "\(bad)") { _ = try PatternRegex.forLiveUse(bad) }
        }
        for fine in ["(a|b)+", "[(a+)]+", "\\(a+\\)+", "421 4\\.7\\.0", "(TSS0[0-9])+x", TemplatePattern.pattern(for: Self.tss04("{ip}"))] {
            #expect(throws: Never.self, "\(fine)") { _ = try PatternRegex.forLiveUse(fine) }
        }
        var sim = Simulator(try Self.configuration())
        #expect(throws: ControlError.self) {
            try sim.apply(.addReplyRule(target: .domain("yahoo.com"), pattern: "(a+)+$", actions: "bounce-rcpt"))
        }
    }
}
