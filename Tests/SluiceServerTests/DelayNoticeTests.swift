import SluiceAccounting
import SluiceConfig
import SluiceCore
import SluiceSMTP
@testable import SluiceServer
import SluiceSpool
import Testing

/// Delay DSNs (RFC 3461 NOTIFY=DELAY, PowerMTA's `notify-of-delay-every`) over hours of
/// simulated time on an injected clock.
@Suite("Delay DSNs: notify-of-delay-every, NOTIFY=DELAY only, at most as often as configured")
struct DelayNoticeTests {
    static let start = Instant(milliseconds: 1_700_000_000_000)
    static let configuration = """
        host-name node.test
        <virtual-mta v1>
            smtp-source-host 192.0.2.10 out.node.test
        </virtual-mta>
        <domain *>
            retry-after 20m
            bounce-after 10h
        </domain>
        <domain hourly.test>
            notify-of-delay-every 1h
        </domain>
        <domain never.test>
            notify-of-delay-every never
        </domain>
        """

    /// slow.test, hourly.test and never.test defer everything; late.test accepts after 5 hours.
    static func script(_ domain: String, _ now: Instant) -> ScriptedAnswer {
        switch domain {
        case "late.test": return now < start + .hours(5) ? .reply(SMTPReply(451, "4.2.0", "try later")) : .accept
        default: return .reply(SMTPReply(451, "4.7.1", "greylisted"))
        }
    }

    func simulation() throws -> CoreSimulation {
        let model = try loadConfiguration(Self.configuration)
        return CoreSimulation(configuration: model, transport: InMemoryTransport(clock: VirtualClock(Self.start), script: Self.script),
                              start: Self.start)
    }

    func admit(_ id: UInt64, to recipients: [String], notify: [String?], sim: inout CoreSimulation) throws {
        let envelope = SpoolEnvelope(sender: "sender@node.test",
                                     recipients: zip(recipients, notify).map { SpoolRecipient(address: $0, notify: $1) },
                                     vmta: "v1", receivedAt: sim.now)
        try sim.admit(Message(id: MessageID(id), sender: "sender@node.test", recipients: recipients, size: 100, vmta: "v1",
                              receivedAt: sim.now), dsn: MessageDSNInfo(envelope))
    }

    @Test("the default 4h: a NOTIFY=DELAY recipient gets a delay DSN 4h and 8h after reception, then the failure at expiry; the others only the failure")
    func defaultEveryFourHours() throws {
        var sim = try simulation()
        try admit(1, to: ["d@slow.test", "f@slow.test"], notify: ["DELAY,FAILURE", nil], sim: &sim)
        sim.run(until: Self.start + .hours(3) + .minutes(59))
        #expect(sim.dsns.isEmpty)
        sim.run(until: Self.start + .hours(4) + .minutes(1))
        let first = try #require(sim.dsns.first)
        #expect(first.kind == .delayed)
        #expect(first.recipients.map(\.recipient) == ["d@slow.test"])
        #expect(first.recipients.first?.status == "4.7.1")
        #expect(first.recipients.first?.willRetryUntil == Self.start + .hours(10))
        #expect(first.progress.isEmpty, "a delay report holds back no progress")
        sim.run(until: Self.start + .hours(11))
        #expect(sim.dsns.map(\.kind) == [.delayed, .delayed, .failed])
        #expect(sim.dsns[1].recipients.map(\.recipient) == ["d@slow.test"])
        #expect(Set(sim.dsns[2].recipients.map(\.recipient)) == ["d@slow.test", "f@slow.test"])
        #expect(sim.dsns[2].recipients.allSatisfy { $0.status == "5.4.7" })
    }

    @Test("notify-of-delay-every 1h repeats hourly; never sends none; a recipient delivered meanwhile gets no more")
    func intervals() throws {
        var sim = try simulation()
        try admit(1, to: ["d@hourly.test"], notify: ["DELAY"], sim: &sim)
        try admit(2, to: ["d@never.test"], notify: ["DELAY"], sim: &sim)
        try admit(3, to: ["d@late.test"], notify: ["DELAY"], sim: &sim)
        sim.run(until: Self.start + .hours(9) + .minutes(30))
        let hourly = sim.dsns.filter { $0.queue.domain == "hourly.test" }
        #expect(hourly.count == 9)
        #expect(hourly.allSatisfy { $0.kind == .delayed })
        #expect(sim.dsns.filter { $0.queue.domain == "never.test" }.isEmpty)
        // late.test: one report at 4h, delivered at 5h, nothing after (NOTIFY=DELAY has no SUCCESS).
        #expect(sim.dsns.filter { $0.queue.domain == "late.test" }.map(\.kind) == [.delayed])
    }
}
