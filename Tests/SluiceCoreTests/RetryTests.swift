import SluiceConfig
import Testing
@testable import SluiceCore

@Suite("Retries, expiry and outcomes")
struct RetryTests {
    static let key = QueueKey(domain: "slow.example", vmta: "default")

    func simulator(reply: String = "451 4.3.0 try again later") throws -> Simulator {
        let config = StaticEngineConfiguration(domains: [
            "slow.example": try settings([("retry-after", "10m,1h,4h"), ("bounce-after", "1d")]),
        ])
        var sim = Simulator(config)
        sim.answer = { tx, _ in tx.recipients.map { _ in SMTPReply(reply) } }
        return sim
    }

    @Test("retry-after 10m,1h,4h with bounce-after 1d: exact attempt times, then expiry at 24h")
    func alwaysDeferred() throws {
        var sim = try simulator()
        try sim.inject(1, to: "slow.example", firstID: 1)
        sim.run(until: .hours(30))
        let attempts = sim.started.map(\.time)
        let expected: [Instant] = [.zero, .minutes(10), .minutes(70), .minutes(310), .minutes(550), .minutes(790),
                                   .minutes(1030), .minutes(1270)]
        #expect(attempts == expected)
        let deferred = sim.records(.deferred)
        #expect(deferred.map(\.attempts) == Array(1...8))
        #expect(deferred.last?.nextAttempt == .hours(24), "the last wait is cut short by bounce-after")
        let expired = try #require(sim.records(.expired).first)
        #expect(expired.time == .hours(24))
        #expect(expired.category == .messageExpired)
        #expect(expired.diagnostic == "message expired after 8 attempt(s); last reply: 451 4.3.0 try again later")
        #expect(sim.finishedMessages == [MessageID(1)])
        #expect(sim.engine.pendingRecipients == 0)
        let stats = try #require(sim.engine.snapshot(of: Self.key, now: sim.now)).stats
        #expect(stats[.deferredAttempts].total == 8)
        #expect(stats[.expired].total == 1)
    }

    @Test("a deferral that arrives after bounce-after expires the recipient at once")
    func deferredPastExpiry() throws {
        let config = StaticEngineConfiguration(defaults: try settings([("bounce-after", "1m")]))
        var sim = Simulator(config)
        sim.transactionLatency = .minutes(2)
        sim.answer = { tx, _ in tx.recipients.map { _ in SMTPReply("451 4.4.1 timeout") } }
        try sim.inject(1, to: "late.example", recipientsEach: 3, firstID: 1)
        sim.run(until: .minutes(5))
        #expect(sim.records(.expired).map(\.time) == [.minutes(2), .minutes(2), .minutes(2)])
        #expect(sim.records(.expired).first?.diagnostic == "message expired after 1 attempt(s); last reply: 451 4.4.1 timeout")
        #expect(sim.engine.snapshot(of: QueueKey(domain: "late.example", vmta: "default"), now: sim.now)?.queued == 0)
        #expect(sim.finishedMessages == [MessageID(1)])
    }

    @Test("a recipient held past bounce-after expires without an attempt")
    func expiresWhileHeld() throws {
        var sim = try simulator()
        try sim.apply(.hold(domain: "slow.example"))
        try sim.inject(1, to: "slow.example", firstID: 1)
        sim.run(until: .hours(25))
        #expect(sim.started.isEmpty)
        let expired = try #require(sim.records(.expired).first)
        #expect(expired.time >= .hours(24) && expired.time <= .hours(24) + .minutes(1))
    }

    @Test("5xx bounces with a category; mixed replies in one transaction are handled per recipient")
    func bounces() throws {
        var sim = try simulator()
        sim.answer = { tx, _ in
            [SMTPReply("250 2.1.5 ok"), SMTPReply("550 5.1.1 <u1@slow.example>: user unknown"),
             SMTPReply("552 5.2.2 mailbox full"), SMTPReply("451 4.7.1 greylisted")]
        }
        try sim.inject(1, to: "slow.example", recipientsEach: 4, firstID: 1)
        sim.run(until: .minutes(1))
        #expect(sim.records(.delivered).map(\.recipient) == ["u0@slow.example"])
        #expect(sim.records(.bounced).map(\.category) == [.badMailbox, .quotaIssues])
        #expect(sim.records(.bounced).first?.status == "5.1.1")
        #expect(sim.records(.deferred).map(\.recipient) == ["u3@slow.example"])
        #expect(sim.engine.recipientStates(of: MessageID(1)) ==
                [.delivered, .bounced, .bounced, .deferred(until: .minutes(10))])
    }

    @Test("a connection that cannot be opened defers the next transaction (no-answer-from-host) and the queue waits")
    func connectionFailure() throws {
        var sim = try simulator(reply: "250 ok")
        sim.connectOutcome = { _, at in at < .minutes(10) ? .noAnswer("connection timed out") : nil }
        try sim.inject(2, to: "slow.example", firstID: 1)
        sim.run(until: .minutes(9))
        let deferred = sim.records(.deferred)
        #expect(deferred.count == 1)
        #expect(deferred.first?.category == .noAnswerFromHost)
        #expect(sim.openedConnections == 2, "two at first (two messages ready), none during the retry wait")
        let why = try #require(sim.engine.snapshot(of: Self.key, now: sim.now)).constraints
        #expect(why.contains(.retryWait(until: .minutes(10))))
        #expect(why.contains(.remoteErrors("no answer from host: connection timed out")))
        sim.run(until: .minutes(11))
        #expect(sim.records(.delivered).count == 2)
    }

    @Test("a transaction that breaks defers its recipients as bad-connection")
    func brokenTransaction() throws {
        var engine = DeliveryEngine(configuration: StaticEngineConfiguration())
        let message = Message(id: MessageID(9), sender: "s@x.example", recipients: ["a@b.example"], size: 10,
                              vmta: "", receivedAt: .zero)
        var actions = try engine.inject(message, now: .zero)
        guard case .openConnection(let c, _) = actions.first else { Issue.record("no connection"); return }
        actions = engine.connectionOpened(c, now: .seconds(1))
        guard case .startTransaction(let tx) = actions.first else { Issue.record("no transaction"); return }
        actions = engine.connectionClosed(c, now: .seconds(2))
        guard case .record(let r) = actions.first else { Issue.record("no record"); return }
        #expect(r.outcome == .deferred)
        #expect(r.category == .badConnection)
        #expect(r.nextAttempt == .seconds(2) + .minutes(10))
        #expect(engine.transactionCompleted(tx.id, replies: [SMTPReply("250 ok")], now: .seconds(3)).isEmpty,
                "a late reply for a broken transaction is ignored")
        #expect(engine.openConnections == 0)
    }

    @Test("restored recipients keep their attempts and next-attempt time")
    func restore() throws {
        var sim = try simulator()
        let message = Message(id: MessageID(5), sender: "s@x.example", recipients: ["a@slow.example", "b@slow.example"],
                              size: 10, vmta: "default", receivedAt: .zero)
        sim.handle(try sim.engine.restore(message, recipients: [
            RestoredRecipient(isFinal: true),
            RestoredRecipient(attempts: 2, nextAttempt: .minutes(30)),
        ], now: .minutes(5)))
        sim.run(until: .hours(5))
        #expect(sim.started.map(\.time) == [.minutes(30), .minutes(30) + .hours(4)])
        #expect(sim.started.first?.tx.recipients == ["b@slow.example"])
        #expect(sim.records(.deferred).first?.attempts == 3)
        #expect(throws: InjectionError.recipientCountMismatch(expected: 1, found: 0)) {
            _ = try sim.engine.restore(Message(id: MessageID(6), sender: "", recipients: ["a@b.c"], size: 1,
                                               vmta: "default", receivedAt: .zero), recipients: [], now: sim.now)
        }
    }
}

@Suite("Hostile values")
struct HostileValueTests {
    @Test("enormous durations and rates saturate instead of crashing")
    func enormousDurations() throws {
        let huge = try settings([("retry-after", "100000000000d"), ("bounce-after", "100000000000d"),
                                 ("idle-timeout", "100000000000d"), ("backoff-to-normal-after", "100000000000d"),
                                 ("max-msg-rate", "1/100000000000d"), ("max-connect-rate", "0/s")])
        var sim = Simulator(StaticEngineConfiguration(defaults: huge), tuning: EngineTuning(messageRateBurst: .max))
        sim.answer = { tx, _ in tx.recipients.map { _ in SMTPReply("451 4.0.0 later") } }
        try sim.inject(3, to: "h.example", firstID: 1)
        try sim.apply(.hold(domain: "h.example"), for: TimeSpan(milliseconds: .max))
        try sim.apply(.release(domain: "h.example"))
        sim.run(until: .hours(1))
        #expect(sim.started.isEmpty, "a zero connect rate never connects")
        let snapshot = try #require(sim.engine.snapshot(of: QueueKey(domain: "h.example", vmta: "default"), now: sim.now))
        #expect(snapshot.queued == 3)
        #expect(snapshot.why.hasPrefix("rate-limited: max-connect-rate 0/s"))
    }
}
