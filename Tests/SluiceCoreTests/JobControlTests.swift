import SluiceConfig
import Testing
@testable import SluiceCore

@Suite("Jobs: figures, pause, resume and delete across queues")
struct JobControlTests {
    static let a1 = QueueKey(domain: "a.example", vmta: "v1")
    static let b1 = QueueKey(domain: "b.example", vmta: "v1")

    /// Job `news` has 2,000 messages to a.example and 2,000 to b.example; job `receipts` 2,000 to
    /// a.example. Each queue sends 10 messages a second, each transaction taking 500 ms.
    func simulator() throws -> Simulator {
        let ten = try settings([("max-msg-rate", "10/s")])
        var sim = Simulator(StaticEngineConfiguration(defaults: ten, virtualMTANames: ["v1"]))
        sim.transactionLatency = TimeSpan(milliseconds: 500)
        try sim.inject(1_000, to: "a.example", vmta: "v1", firstID: 1, job: "news")
        try sim.inject(1_000, to: "a.example", vmta: "v1", firstID: 10_001, job: "receipts")
        try sim.inject(1_000, to: "a.example", vmta: "v1", firstID: 1_001, job: "news")
        try sim.inject(2_000, to: "b.example", vmta: "v1", firstID: 20_001, job: "news")
        return sim
    }

    func startsOfJob(_ sim: Simulator, _ job: String, from: Instant, to: Instant) -> Int {
        sim.started.filter { $0.tx.jobID == job && $0.time > from && $0.time < to }.count
    }

    @Test("pausing a job stops its mail in every queue while the other jobs' mail in the same queue goes on; resume restarts it")
    func pauseAndResume() throws {
        var sim = try simulator()
        sim.run(until: .seconds(10))
        try sim.apply(.pause(target: .job("news")), why: "wrong template")
        let paused = sim.now
        sim.run(until: .seconds(70))
        #expect(startsOfJob(sim, "news", from: paused, to: .seconds(70)) == 0)
        // a.example's whole rate goes to the job still running.
        #expect(abs(startsOfJob(sim, "receipts", from: paused, to: .seconds(70)) - 600) <= 3)
        let news = try #require(sim.engine.jobSnapshot("news", now: sim.now))
        #expect(news.pausedBy?.kind == .pause(.job("news")))
        #expect(news.pausedBy?.why == "wrong template")
        #expect(news.pending == 4_000 - news.delivered)
        #expect(sim.engine.jobSnapshot("receipts", now: sim.now)?.pausedBy == nil)
        sim.checkInvariants()

        try sim.apply(.resume(target: .job("news")))
        sim.run(until: .seconds(130))
        // b.example sends news again at its full rate; on a.example the job's mail went back at
        // the end of the ready list, behind receipts.
        let newsOnB = sim.started.filter { $0.tx.jobID == "news" && $0.tx.queue == Self.b1 && $0.time > .seconds(70) && $0.time < .seconds(130) }
        #expect(abs(newsOnB.count - 600) <= 3)
        #expect(sim.engine.jobSnapshot("news", now: sim.now)?.pausedBy == nil)
        #expect(throws: ControlError.badTarget("no active pause job news")) { try sim.apply(.resume(target: .job("news"))) }
        sim.run(until: .minutes(20))
        let done = try #require(sim.engine.jobSnapshot("news", now: sim.now))
        #expect(done.delivered == 4_000)
        #expect(done.pending == 0)
        #expect(done.progress == 1)
        sim.checkInvariants()
    }

    @Test("a paused job's deferred recipients stay parked when their retry falls due, and go once it is resumed")
    func deferredStayParked() throws {
        let config = StaticEngineConfiguration(defaults: try settings([("retry-after", "1m")]), virtualMTANames: ["v1"])
        var sim = Simulator(config)
        var refuse = true
        sim.answer = { tx, _ in tx.recipients.map { _ in SMTPReply(refuse ? "451 4.3.0 try later" : "250 ok") } }
        try sim.inject(50, to: "a.example", vmta: "v1", firstID: 1, job: "news")
        sim.run(until: .seconds(5))
        #expect(sim.engine.jobSnapshot("news", now: sim.now)?.deferredAttempts == 50)
        try sim.apply(.pause(target: .job("news")))
        refuse = false
        sim.run(until: .minutes(10))
        #expect(sim.records(.delivered).isEmpty, "due retries of a paused job wait")
        #expect(sim.engine.snapshot(of: Self.a1, now: sim.now)?.queued == 50)
        try sim.apply(.resume(target: .job("news")))
        sim.run(until: .minutes(11))
        #expect(sim.records(.delivered).count == 50)
        sim.checkInvariants()
    }

    @Test("a paused job's mail still expires after bounce-after (within the minute), while the job stays paused")
    func parkedMailExpires() throws {
        let config = StaticEngineConfiguration(defaults: try settings([("bounce-after", "30m")]), virtualMTANames: ["v1"])
        var sim = Simulator(config)
        try sim.apply(.pause(target: .job("news")))
        try sim.inject(20, to: "a.example", vmta: "v1", firstID: 1, job: "news")
        sim.run(until: .minutes(29))
        #expect(sim.records(.expired).isEmpty)
        sim.run(until: .minutes(32))
        #expect(sim.records(.expired).count == 20)
        #expect(sim.records(.expired).allSatisfy { $0.time <= .minutes(31) }, "within a minute of bounce-after")
        #expect(sim.engine.jobSnapshot("news", now: sim.now)?.expired == 20)
        #expect(sim.engine.jobSnapshot("news", now: sim.now)?.pausedBy != nil)
        sim.checkInvariants()
    }

    @Test("a pause set before a job's first message holds its mail from injection")
    func pauseBeforeInjection() throws {
        var sim = try simulator()
        try sim.apply(.pause(target: .job("later")))
        try sim.inject(100, to: "b.example", vmta: "v1", firstID: 50_001, job: "later")
        sim.run(until: .minutes(10))
        #expect(startsOfJob(sim, "later", from: .zero, to: .minutes(10)) == 0)
        #expect(sim.engine.jobSnapshot("later", now: sim.now)?.pending == 100)
        sim.checkInvariants()
    }

    @Test("deleting a job removes its queued and deferred recipients in every queue, as bounces with --dsn; in-flight ones finish")
    func deleteJob() throws {
        var sim = try simulator()
        sim.run(until: .seconds(10))
        let inFlight = sim.started.filter { $0.tx.jobID == "news" && $0.time > .seconds(9) }.count
        #expect(inFlight > 0)
        try sim.apply(.delete(target: .job("news"), asBounces: true), who: "alice", why: "sent by mistake")
        let deleted = sim.records(.bounced).filter { $0.jobID == "news" }
        #expect(!deleted.isEmpty)
        #expect(deleted.allSatisfy { $0.diagnostic == "550 5.0.0 deleted by alice: sent by mistake" })
        #expect(Set(deleted.map(\.queue)) == [Self.a1, Self.b1])
        #expect(sim.records(.bounced).allSatisfy { $0.jobID == "news" }, "receipts untouched")
        sim.run(until: .minutes(5))
        let news = try #require(sim.engine.jobSnapshot("news", now: sim.now))
        #expect(news.pending == 0)
        #expect(news.delivered + news.bounced == 4_000)
        #expect(news.bounced == deleted.count)
        #expect(sim.engine.jobSnapshot("receipts", now: sim.now)?.delivered == 1_000)
        sim.checkInvariants()
        #expect(throws: ControlError.badTarget("no job 'nosuch'")) { try sim.apply(.delete(target: .job("nosuch"), asBounces: false)) }
    }

    @Test("deleting a paused job also drops its parked mail; a job is no queue for schedule or throttles")
    func deletePausedJob() throws {
        var sim = try simulator()
        try sim.apply(.pause(target: .job("news")))
        try sim.apply(.delete(target: .job("news"), asBounces: false))
        #expect(sim.records(.deleted).count == 4_000)
        try sim.apply(.resume(target: .job("news")))
        sim.run(until: .minutes(5))
        #expect(startsOfJob(sim, "news", from: .zero, to: .minutes(5)) == 0)
        #expect(sim.engine.jobSnapshot("news", now: sim.now)?.deleted == 4_000)
        sim.checkInvariants()
        #expect(throws: ControlError.self) { try sim.apply(.schedule(target: .job("news"))) }
        #expect(throws: ControlError.self) { try sim.apply(.throttle(.job("news"), directive: "max-msg-rate", value: "1/s")) }
    }

    @Test("a job's figures count deferrals, bounces, complaints and suppressed recipients; a finished job is forgotten after a day")
    func figuresAndRetention() throws {
        var sim = Simulator(StaticEngineConfiguration(defaults: try settings([("retry-after", "1m")]), virtualMTANames: ["v1"]))
        var attempts = 0
        sim.answer = { tx, _ in
            attempts += 1
            return tx.recipients.map { r in
                if r.hasPrefix("u1@") { return SMTPReply("550 5.1.1 no such user") }
                return SMTPReply(attempts <= 10 ? "451 4.3.0 later" : "250 ok")
            }
        }
        try sim.inject(10, to: "a.example", recipientsEach: 2, vmta: "v1", firstID: 1, job: "news")
        sim.engine.noteJobComplaints("news", count: 2, now: sim.now)
        sim.engine.noteJobSuppressed("news", count: 3, now: sim.now)
        sim.run(until: .minutes(10))
        let news = try #require(sim.engine.jobSnapshot("news", now: sim.now))
        #expect(news.injected == 20)
        #expect(news.delivered == 10)
        #expect(news.bounced == 10)
        #expect(news.deferredAttempts == 10)
        #expect(news.complained == 2)
        #expect(news.suppressed == 3)
        #expect(news.progress == 1)
        sim.handle(sim.engine.tick(now: sim.now + .hours(23)))
        #expect(sim.engine.jobSnapshot("news", now: sim.now) != nil)
        sim.handle(sim.engine.tick(now: sim.now + .hours(25)))
        #expect(sim.engine.jobSnapshot("news", now: sim.now) == nil)
    }

    @Test("a job's delivery rate: the last 60 s estimated from this minute's and the last minute's counts")
    func minuteRate() {
        var rate = MinuteRate()
        rate.add(60, atMs: 0)
        #expect(rate.perMinute(atMs: 30_000) == 60)
        rate.add(30, atMs: 61_000)
        #expect(rate.perMinute(atMs: 90_000) == 60 * 0.5 + 30, "half of the previous minute is still in the window")
        #expect(rate.perMinute(atMs: 150_000) == 30 * 0.5)
        #expect(rate.perMinute(atMs: 200_000) == 0)
        rate.add(5, atMs: 1_000)   // a clock stepped back: counted in the current minute (1)
        #expect(rate.perMinute(atMs: 90_000) == 60 * 0.5 + 35)
    }

    @Test("a job pause restored after a restart parks the restored mail")
    func restoredPause() throws {
        var sim = Simulator(StaticEngineConfiguration(defaults: DomainSettings(), virtualMTANames: ["v1"]))
        let control = Control(id: 4, kind: .pause(.job("news")), who: "console", why: "", createdAt: .zero, expiresAt: nil)
        sim.handle(sim.engine.restore(control, now: sim.now))
        for n in 1...20 {
            let message = Message(id: MessageID(UInt64(n)), sender: "s@x.example", recipients: ["u@a.example"], size: 100,
                                  jobID: n % 2 == 0 ? "news" : "other", vmta: "v1", receivedAt: .zero)
            sim.handle(try sim.engine.restore(message, recipients: [RestoredRecipient()], now: sim.now))
        }
        sim.run(until: .minutes(1))
        #expect(sim.records(.delivered).count == 10)
        #expect(sim.records(.delivered).allSatisfy { $0.jobID == "other" })
        try sim.apply(.cancelControl(id: "#4"))
        sim.run(until: .minutes(2))
        #expect(sim.records(.delivered).count == 20)
        sim.checkInvariants()
    }
}
