import SluiceAccounting
import SluiceConfig
import SluiceControlProtocol
import SluiceCore
import SluiceSMTP
@testable import SluiceServer
import Testing

/// One simulated hour of a node: the core driven by a synchronous performer against the
/// in-memory transport. No sockets, no sleeps, no actor: time moves from one due instant to the next.
@Suite("One simulated hour of the node core")
struct NodeHourSimulationTests {
    static let start = Instant(milliseconds: 1_000_000)
    static let stormEnds = start + .minutes(15)
    static let refusalEnds = start + .minutes(10)
    static let storm421 = SMTPReply(421, "4.7.0", "[TS01] Messages from 192.0.2.10 temporarily deferred")

    static let configuration = """
        host-name node.test
        <virtual-mta v1>
            smtp-source-host 192.0.2.10 node.test
        </virtual-mta>
        <smtp-pattern-list storm>
            reply /^421 4\\.7\\.0/ mode=backoff
        </smtp-pattern-list>
        <domain *>
            max-smtp-out 2
            retry-after 2m
        </domain>
        <domain storm.test>
            smtp-pattern-list storm
            backoff-retry-after 4m
            backoff-max-smtp-out 1
            backoff-to-normal-after-delivery yes
        </domain>
        <domain throttled.test>
            max-msg-rate 600/m
        </domain>
        """

    /// storm.test says 421 4.7.0 for its first quarter hour, refused.test refuses connections
    /// for ten minutes, bounce.test does not know its users; the rest accept.
    static func script(_ domain: String, _ now: Instant) -> ScriptedAnswer {
        switch domain {
        case "storm.test": return now < stormEnds ? .reply(storm421) : .accept
        case "refused.test": return now < refusalEnds ? .refuseConnection : .accept
        case "bounce.test": return .reply(SMTPReply(550, "5.1.1", "user unknown"))
        default: return .accept
        }
    }

    func simulation() throws -> CoreSimulation {
        let model = try loadConfiguration(Self.configuration)
        return CoreSimulation(configuration: model, transport: InMemoryTransport(clock: VirtualClock(Self.start), script: Self.script),
                              start: Self.start)
    }

    @Test("a 421 storm enters and leaves backoff, refusals are retried, a hold holds until its release, a throttle override expires back to the configuration")
    func oneHour() throws {
        var sim = try simulation()
        let throttled = QueueKey(domain: "throttled.test", vmta: "v1")
        let configuredRate = sim.core.engine.settings(for: throttled).maxMsgRate.value

        let hold = try sim.execute(.hold(domain: "held.test"))
        #expect(hold.control?.kind == .hold)
        #expect(sim.storedControls.values.contains { $0.kind == .hold(.domain("held.test")) }, "the hold is stored in the spool")
        try sim.execute(.setThrottle(target: .domain("throttled.test"),
                                     settings: [ThrottleSetting(directive: "max-msg-rate", value: "1/m")], persist: false),
                        for: .minutes(20))
        #expect(sim.core.engine.settings(for: throttled).maxMsgRate.value != configuredRate)

        try sim.inject(10, to: "storm.test")
        try sim.inject(5, to: "refused.test")
        try sim.inject(3, to: "bounce.test")
        try sim.inject(10, to: "held.test")
        try sim.inject(30, to: "throttled.test")

        // The first half hour: the hold stands all along.
        sim.run(until: Self.start + .minutes(30))
        let transport = sim.transport
        #expect(transport.delivered(to: "held.test").isEmpty, "nothing delivered while held")
        #expect(sim.events("delivered", domain: "held.test").isEmpty)

        // The throttle override: about one a minute while it lasted, back to the configuration after.
        let expiry = Self.start + .minutes(20)
        let duringOverride = transport.delivered(to: "throttled.test").filter { $0.time < expiry }.count
        #expect(duringOverride >= 15 && duringOverride <= 21, "\(duringOverride) delivered during the 1/m override")
        #expect(sim.core.engine.settings(for: throttled).maxMsgRate.value == configuredRate, "the throttle returned to config")
        #expect(!sim.core.engine.activeControls.contains { if case .throttle = $0.kind { true } else { false } })
        #expect(!sim.storedControls.values.contains { if case .throttle = $0.kind { true } else { false } },
                "the expired override was forgotten by the spool")
        #expect(transport.delivered(to: "throttled.test").count == 30, "the rest went at the configured rate")

        // The storm: backoff on the first 421, no delivery before it ended, normal again after.
        let storm = QueueKey(domain: "storm.test", vmta: "v1")
        let stormModes = sim.modeChanges.filter { $0.queue == storm }
        #expect(stormModes.first?.mode == .backoff)
        #expect((stormModes.first?.time).map { $0 < Self.start + .minutes(1) } == true, "backoff entered at the first 421")
        #expect(stormModes.contains { $0.mode == .normal && $0.time >= Self.stormEnds }, "backoff left after the storm")
        #expect(transport.delivered(to: "storm.test").allSatisfy { $0.time >= Self.stormEnds })
        let stormDeferrals = sim.events("deferred", domain: "storm.test")
        #expect(stormDeferrals.allSatisfy { $0.code == 421 && $0.dsnDiag.contains("4.7.0") })
        #expect(Set(stormDeferrals.map(\.recipient)).count == 10 && stormDeferrals.count >= 20,
                "every recipient deferred and retried in backoff during the storm (\(stormDeferrals.count) deferrals)")
        #expect(transport.delivered(to: "storm.test").count == 10)

        // Refusals: retried until the host answered.
        #expect(transport.connectAttempts(to: "refused.test") > 2)
        #expect(transport.delivered(to: "refused.test").count == 5)
        #expect(transport.delivered(to: "refused.test").allSatisfy { $0.time >= Self.refusalEnds })

        // The release, and the second half hour.
        let releasedAt = sim.now
        let release = try sim.execute(.release(domain: "held.test"))
        #expect(release.message == "released held.test")
        #expect(!sim.storedControls.values.contains { $0.kind == .hold(.domain("held.test")) }, "the release is forgotten")
        sim.run(until: Self.start + .hours(1))
        #expect(transport.delivered(to: "held.test").count == 10)
        #expect(transport.delivered(to: "held.test").allSatisfy { $0.time >= releasedAt })
        #expect(sim.modeChanges.last { $0.queue == storm }?.mode == .normal)

        // Totals, as accounting rows, events and spool progress record them.
        let delivered = transport.deliveries.count
        #expect(delivered == 10 + 5 + 10 + 30)
        #expect(sim.accounting.filter { $0.type == .delivered }.count == delivered)
        #expect(sim.accounting.filter { $0.type == .bounced }.compactMap(\.rcpt).sorted()
                == sim.events("bounced", domain: "bounce.test").map(\.recipient).sorted())
        #expect(sim.events("bounced", domain: "bounce.test").count == 3)
        #expect(sim.core.bouncesByCategory == ["bad-mailbox": 3])
        #expect(sim.progress.filter { $0.outcome == .delivered }.count == delivered)
        #expect(sim.core.engine.pendingRecipients == 0)
        #expect(sim.core.running.isEmpty)
    }
}
