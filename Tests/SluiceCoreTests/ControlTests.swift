import Foundation
import SluiceConfig
import Testing
@testable import SluiceCore

@Suite("Operator controls")
struct ControlTests {
    static let a1 = QueueKey(domain: "a.example", vmta: "v1")
    static let a2 = QueueKey(domain: "a.example", vmta: "v2")
    static let b1 = QueueKey(domain: "b.example", vmta: "v1")

    /// Three queues (a.example on v1 and v2, b.example on v1), 10 messages a second each, each
    /// transaction taking 500 ms.
    func simulator() throws -> Simulator {
        let ten = try settings([("max-msg-rate", "10/s")], file: "sluice.conf", line: 12)
        let config = StaticEngineConfiguration(defaults: ten, virtualMTANames: ["v1", "v2"])
        var sim = Simulator(config)
        sim.transactionLatency = TimeSpan(milliseconds: 500)
        try sim.inject(5_000, to: "a.example", vmta: "v1", firstID: 1)
        try sim.inject(5_000, to: "a.example", vmta: "v2", firstID: 10_001)
        try sim.inject(5_000, to: "b.example", vmta: "v1", firstID: 20_001)
        return sim
    }

    /// Transactions of the queue started after `from`, up to and excluding `to`.
    func starts(_ sim: Simulator, _ key: QueueKey, from: Instant, to: Instant) -> Int {
        sim.started.filter { $0.tx.queue == key && $0.time > from && $0.time < to }.count
    }

    @Test("hold stops every queue of the domain (in-flight transactions finish), release resumes it; other domains unaffected")
    func holdRelease() throws {
        var sim = try simulator()
        sim.run(until: .seconds(10))
        let inFlightBefore = sim.engine.snapshot(of: Self.a1, now: sim.now)?.inFlight ?? 0
        #expect(inFlightBefore > 0)
        try sim.apply(.hold(domain: "A.example"), why: "complaints")
        let held = sim.now
        sim.run(until: .seconds(70))
        #expect(starts(sim, Self.a1, from: held, to: .seconds(70)) == 0)
        #expect(starts(sim, Self.a2, from: held, to: .seconds(70)) == 0)
        #expect(abs(starts(sim, Self.b1, from: held, to: .seconds(70)) - 600) <= 2)
        #expect(sim.engine.snapshot(of: Self.a1, now: sim.now)?.inFlight == 0, "in-flight transactions finished")
        let delivered = sim.records(.delivered).filter { $0.queue.domain == "a.example" && $0.time > held }
        #expect(!delivered.isEmpty, "the transactions in flight at the hold were delivered")
        let snapshot = try #require(sim.engine.snapshot(of: Self.a2, now: sim.now))
        #expect(snapshot.why == "held by console: complaints")
        #expect(snapshot.heldBy?.kind == .hold(.domain("a.example")))
        #expect(sim.engine.openConnections == 5, "the held queues closed their idle connections")

        try sim.apply(.release(domain: "a.example"))
        sim.run(until: .seconds(130))
        #expect(abs(starts(sim, Self.a1, from: .seconds(70), to: .seconds(130)) - 600) <= 2)
        #expect(abs(starts(sim, Self.a2, from: .seconds(70), to: .seconds(130)) - 600) <= 2)
        #expect(throws: ControlError.badTarget("no active hold a.example")) { try sim.apply(.release(domain: "a.example")) }
    }

    @Test("pausing a vmta stops its queues only; pausing one queue stops only that queue")
    func pauseResume() throws {
        var sim = try simulator()
        try sim.apply(.pause(target: .vmta("v1")))
        sim.run(until: .seconds(60))
        #expect(starts(sim, Self.a1, from: .zero, to: .seconds(60)) == 0)
        #expect(starts(sim, Self.b1, from: .zero, to: .seconds(60)) == 0)
        #expect(abs(starts(sim, Self.a2, from: .zero, to: .seconds(60)) - 600) <= 2)
        try sim.apply(.resume(target: .vmta("v1")))
        try sim.apply(.pause(target: .queue(Self.b1)))
        sim.run(until: .seconds(120))
        #expect(abs(starts(sim, Self.a1, from: .seconds(60), to: .seconds(120)) - 600) <= 2)
        #expect(starts(sim, Self.b1, from: .seconds(60), to: .seconds(120)) == 0)
        #expect(sim.engine.snapshot(of: Self.b1, now: sim.now)?.pausedBy != nil)
        #expect(sim.engine.snapshot(of: Self.a1, now: sim.now)?.pausedBy == nil)
        #expect(throws: ControlError.unknownVirtualMTA("v9")) { try sim.apply(.pause(target: .vmta("v9"))) }
        #expect(throws: ControlError.badTarget("a domain is held, not paused: use hold")) {
            try sim.apply(.pause(target: .domain("a.example")))
        }
    }

    @Test("a throttle override's origin is the client label; the control keeps who in full")
    func overrideOriginIsClientLabel() throws {
        var sim = try simulator()
        let request = ControlRequest(who: "alice (uid 1000) via cli", why: "slow down", client: "cli")
        sim.handle(try sim.engine.apply(.throttle(.domain("a.example"), directive: "max-msg-rate", value: "2/s"),
                                        by: request, now: sim.now))
        #expect(sim.engine.settings(for: Self.a1).maxMsgRate.origin.description == "cli")
        // A queue that does not exist yet shows the override too.
        #expect(sim.engine.settings(for: QueueKey(domain: "a.example", vmta: "new")).maxMsgRate.origin.description == "cli")
        let control = try #require(sim.engine.activeControls.first)
        #expect(control.who == "alice (uid 1000) via cli")
        #expect(control.client == "cli")
        #expect(control.why == "slow down")
    }

    @Test("a control persisted before the client field decodes with no client; its origin falls back to who")
    func controlDecodesWithoutClient() throws {
        let control = Control(id: 7, kind: .throttle(.domain("a.example"), directive: "max-msg-rate", value: "2/s"),
                              who: "console", why: "", createdAt: .zero, expiresAt: nil, client: "cli")
        let encoded = try JSONEncoder().encode(control)
        var object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        #expect(object["client"] as? String == "cli")
        object.removeValue(forKey: "client")
        let old = try JSONDecoder().decode(Control.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(old.client == nil)
        #expect(old.originLabel == "console")
        #expect(try JSONDecoder().decode(Control.self, from: encoded) == control)
    }

    @Test("a throttle override with a 5-minute TTL applies to its domain only, shows its origin, and the configured value returns")
    func throttleOverride() throws {
        var sim = try simulator()
        sim.run(until: .seconds(60))
        try sim.apply(.throttle(.domain("a.example"), directive: "max-msg-rate", value: "2/s"),
                      who: "console", for: .minutes(5))
        let added = try #require(sim.controlEvents.last)
        guard case .controlAdded(let control) = added else { Issue.record("no control added"); return }
        #expect(control.expiresAt == .seconds(60) + .minutes(5))
        let overridden = sim.engine.settings(for: Self.a1).maxMsgRate
        #expect(overridden.value == .limited(count: 2, per: .seconds(1)))
        #expect(overridden.origin.description == "console")
        #expect(sim.engine.settings(for: Self.b1).maxMsgRate.origin.description == "sluice.conf:12")
        #expect(sim.engine.snapshot(of: Self.a1, now: sim.now + TimeSpan(milliseconds: 1))?.why
                == "rate-limited: max-msg-rate 2/s (console)")

        sim.run(until: .seconds(360))
        // During the override: 2/s for each a.example queue, 10/s for b.example (+1 for a tat set before).
        #expect(abs(starts(sim, Self.a1, from: .seconds(61), to: .seconds(360)) - 598) <= 2)
        #expect(abs(starts(sim, Self.a2, from: .seconds(61), to: .seconds(360)) - 598) <= 2)
        #expect(abs(starts(sim, Self.b1, from: .seconds(61), to: .seconds(360)) - 2990) <= 2)
        #expect(sim.controlEvents.contains(.controlRemoved(control, reason: .expired)))
        #expect(sim.engine.activeControls.isEmpty)
        #expect(sim.engine.settings(for: Self.a1).maxMsgRate.origin.description == "sluice.conf:12")
        sim.run(until: .seconds(420))
        #expect(abs(starts(sim, Self.a1, from: .seconds(361), to: .seconds(420)) - 590) <= 2)
    }

    @Test("a queue override beats a domain override; clearing restores the configuration")
    func queueOverride() throws {
        var sim = try simulator()
        try sim.apply(.throttle(.domain("a.example"), directive: "max-smtp-out", value: "3"))
        try sim.apply(.throttle(.queue(Self.a1), directive: "max-smtp-out", value: "1"))
        #expect(sim.engine.settings(for: Self.a1).maxSmtpOut.value == 1)
        #expect(sim.engine.settings(for: Self.a2).maxSmtpOut.value == 3)
        #expect(sim.engine.settings(for: Self.b1).maxSmtpOut.value == 20)
        sim.run(until: .seconds(30))
        #expect(sim.maxOpen[Self.a1] == 1)
        #expect(sim.maxOpen[Self.a2] == 3)
        let domainOverride = try #require(sim.engine.activeControls.first { $0.kind.target == .domain("a.example") })
        try sim.apply(.cancelControl(id: String(domainOverride.id)))
        #expect(sim.engine.settings(for: Self.a2).maxSmtpOut.value == 20)
        #expect(sim.engine.settings(for: Self.a1).maxSmtpOut.value == 1)
    }

    @Test("bad override commands are refused with a clear error and change nothing")
    func badOverrides() throws {
        var sim = try simulator()
        #expect(throws: ControlError.notAThrottle("bounce-after")) {
            try sim.apply(.throttle(.domain("a.example"), directive: "bounce-after", value: "1h"))
        }
        #expect(throws: ControlError.badSetting(.unknownDirective("max-msg-rat"))) {
            try sim.apply(.throttle(.domain("a.example"), directive: "max-msg-rat", value: "1/s"))
        }
        do {
            try sim.apply(.throttle(.domain("a.example"), directive: "max-msg-rate", value: "fast"))
            Issue.record("accepted a bad rate")
        } catch {
            #expect("\(error)".hasPrefix("max-msg-rate: expected a rate"))
        }
        #expect(sim.engine.activeControls.isEmpty)
        #expect(throws: ControlError.unknownControl(99)) { try sim.apply(.cancelControl(id: "99")) }
    }

    @Test("schedule retries now; delete removes queued recipients silently or as bounces")
    func scheduleAndDelete() throws {
        var sim = Simulator(StaticEngineConfiguration())
        sim.answer = { tx, at in tx.recipients.map { _ in SMTPReply(at < .minutes(1) ? "451 4.3.0 later" : "250 ok") } }
        try sim.inject(3, to: "d.example", firstID: 1)
        try sim.inject(2, to: "e.example", firstID: 10)
        sim.run(until: .minutes(2))
        #expect(sim.records(.deferred).count == 5)
        try sim.apply(.schedule(target: .domain("d.example")))
        sim.run(until: .minutes(3))
        #expect(sim.records(.delivered).map(\.queue.domain) == ["d.example", "d.example", "d.example"])
        try sim.apply(.delete(target: .domain("e.example"), asBounces: true), why: "cleanup")
        let bounced = sim.records(.bounced)
        #expect(bounced.count == 2)
        #expect(bounced.first?.diagnostic == "550 5.0.0 deleted by console: cleanup")
        #expect(bounced.allSatisfy { $0.status == "5.0.0" && $0.category != nil })
        #expect(sim.engine.pendingRecipients == 0)
        try sim.inject(1, to: "e.example", firstID: 20)
        try sim.apply(.hold(domain: "e.example"))
        try sim.apply(.delete(target: .queue(QueueKey(domain: "e.example", vmta: "default")), asBounces: false))
        let deleted = sim.records(.deleted)
        #expect(deleted.count == 1)
        // A silent delete is no reply: no status, no bounce category.
        #expect(deleted.first?.diagnostic == "deleted by console: test")
        #expect(deleted.first?.status == nil && deleted.first?.category == nil)
        #expect(sim.finishedMessages.contains(MessageID(20)))
    }

    @Test("controls are Codable for persistence and survive a restore; a reload keeps queues and controls")
    func persistenceAndReload() throws {
        var sim = try simulator()
        try sim.apply(.hold(domain: "b.example"), who: "cli:alice", why: "abuse desk", for: .hours(2))
        let control = try #require(sim.engine.activeControls.first)
        let data = try JSONEncoder().encode(control)
        let decoded = try JSONDecoder().decode(Control.self, from: data)
        #expect(decoded == control)
        #expect(String(decoding: data, as: UTF8.self).contains("\"b.example\""))

        var fresh = DeliveryEngine(configuration: StaticEngineConfiguration(virtualMTANames: ["v1"]))
        _ = fresh.restore(decoded, now: .minutes(1))
        #expect(fresh.activeControls == [control])
        let message = Message(id: MessageID(1), sender: "", recipients: ["x@b.example"], size: 1, vmta: "", receivedAt: .zero)
        let actions = try fresh.inject(message, route: InjectionRoute(defaultVMTA: "v1"), now: .minutes(1))
        #expect(!actions.contains { if case .openConnection = $0 { return true } else { return false } })
        #expect(fresh.restore(Control(id: 7, kind: .pause(.vmta("v1")), who: "x", why: "", createdAt: .zero,
                                      expiresAt: .seconds(1)), now: .minutes(1)).isEmpty)
        #expect(fresh.activeControls.count == 1, "an expired control is not restored")

        sim.run(until: .seconds(5))
        let queued = sim.engine.pendingRecipients
        let slower = try settings([("max-msg-rate", "1/s")], file: "new.conf", line: 3)
        sim.handle(sim.engine.reload(StaticEngineConfiguration(defaults: slower, virtualMTANames: ["v1", "v2"]), now: sim.now))
        #expect(sim.engine.pendingRecipients == queued)
        #expect(sim.engine.activeControls == [control])
        #expect(sim.engine.settings(for: Self.a1).maxMsgRate.origin.description == "new.conf:3")
        #expect(sim.engine.snapshot(of: Self.b1, now: sim.now)?.heldBy == control)
    }
}
