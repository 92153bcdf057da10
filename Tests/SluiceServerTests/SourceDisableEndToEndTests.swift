import SluiceAccounting
import SluiceConfig
import SluiceControlProtocol
import SluiceCore
import SluiceSMTP
@testable import SluiceServer
import Testing

/// `disable-source-ip=10m` through a whole ``MailNode`` on the virtual clock with the in-memory
/// transport: no sockets, no sleeps.
@Suite("disable-source-ip end to end")
struct SourceDisableEndToEndTests {
    static let v1Address = "192.0.2.10"

    static func configuration(spool: String) -> String {
        """
        host-name node.test
        spool \(spool)
        <virtual-mta v1>
            smtp-source-host \(v1Address) v1.node.test
        </virtual-mta>
        <virtual-mta v2>
            smtp-source-host 192.0.2.20 v2.node.test
        </virtual-mta>
        <smtp-pattern-list blocks>
            reply /temporarily blocked/ disable-source-ip=10m
        </smtp-pattern-list>
        <domain *>
            max-smtp-out 2
            retry-after 1m
            smtp-pattern-list blocks
        </domain>
        """
    }

    @Test("a disable-source-ip=10m reply stops that address for that domain only, and it resumes after 10 minutes")
    func pairStopsAndResumes() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let clock = VirtualClock()
        let start = clock.now()
        // blocked.test refuses v1's address for its first five minutes; everything else is accepted.
        let transport = InMemoryTransport(clock: clock) { domain, source, now in
            domain == "blocked.test" && source == Self.v1Address && now < start + .minutes(5)
                ? .reply(SMTPReply(451, "4.7.1", "\(Self.v1Address) temporarily blocked")) : .accept
        }
        let log = LogLines()
        let options = NodeOptions(smtpListeners: [], controlSocketPath: "", auditLogPath: "", transport: transport, clock: clock,
                                  log: { log.append($0) })
        let node = try await MailNode.start(configuration: try loadConfiguration(Self.configuration(spool: "\(dir)/spool")),
                                            options: options)
        let events = EventCollector(node)
        try await admitDirectly(node, to: "a@blocked.test", vmta: "v1", at: clock)
        try await drive(clock, node, until: "the pair disabled") { !events.events(kind: "source-disabled").isEmpty }
        let disabled = try #require(events.events(kind: "source-disabled").first)
        #expect(disabled.queue == "blocked.test/v1" && disabled.code == 451)
        #expect(disabled.dsnDiag.contains("source-ip \(Self.v1Address) disabled for blocked.test"))
        let row = try #require(await node.snapshot().queues.first { $0.name == "blocked.test/v1" }?.disabledSources.first)
        #expect(row.source == Self.v1Address && row.destination == "blocked.test" && row.patternList == "blocks")
        #expect(row.reply.contains("temporarily blocked"))
        #expect(row.until - row.since == 600)
        let enabledAt = Instant(milliseconds: Int64(row.until * 1000))
        #expect(await node.snapshot().queues.first { $0.name == "blocked.test/v1" }?.figures.paused == false)

        // The same vmta delivers to another domain, another vmta to the blocked domain.
        for n in 0..<3 {
            try await admitDirectly(node, to: "o\(n)@other.test", vmta: "v1", at: clock)
            try await admitDirectly(node, to: "b\(n)@blocked.test", vmta: "v2", at: clock)
        }
        try await drive(clock, node, until: "the other pairs delivered") {
            transport.delivered(to: "other.test").count == 3 && transport.delivered(to: "blocked.test").count == 3
        }
        #expect(transport.delivered(to: "other.test").allSatisfy { $0.source == Self.v1Address })
        #expect(transport.delivered(to: "blocked.test").allSatisfy { $0.source == "192.0.2.20" })
        #expect(clock.now() < enabledAt, "while the pair is disabled")

        // Nothing from v1 to blocked.test until the ten minutes are over, then it goes by itself.
        try await drive(clock, node, until: "v1 delivers to blocked.test", limit: .minutes(12)) {
            transport.delivered(to: "blocked.test").contains { $0.source == Self.v1Address }
        }
        let enabled = try #require(events.events(kind: "source-enabled").first)
        #expect(enabled.time == row.until && enabled.queue == "blocked.test/v1")
        #expect(Instant(milliseconds: Int64(row.since * 1000)) + .minutes(10) == enabledAt)
        #expect(transport.delivered(to: "blocked.test").filter { $0.source == Self.v1Address }.allSatisfy { $0.time >= enabledAt })
        #expect(await node.snapshot().queues.first { $0.name == "blocked.test/v1" }?.disabledSources.isEmpty == true)
        let logged = log.all
        #expect(logged.contains { $0.hasPrefix("delivery: disabled source-ip \(Self.v1Address) for blocked.test") })
        #expect(logged.contains { $0.hasPrefix("delivery: enabled source-ip \(Self.v1Address) for blocked.test") })
        await node.shutdown()
    }
}

extension SourceDisableEndToEndTests {
    @Test("a vmta with two smtp-source-host lines binds its connections to each in turn, with its EHLO name; accounting's dlvSourceIp is the connection's address")
    func sourcesInTurn() throws {
        let model = try loadConfiguration("""
        host-name node.test
        <virtual-mta v1>
            smtp-source-host 192.0.2.10 a.node.test
            smtp-source-host 192.0.2.11 b.node.test
        </virtual-mta>
        <domain *>
            max-smtp-out 2
            max-msg-per-connection 1
        </domain>
        """)
        let start = Instant(milliseconds: 1_800_000_000_000)
        let transport = InMemoryTransport(clock: VirtualClock(start)) { _, _, _ in .accept }
        var sim = CoreSimulation(configuration: model, transport: transport, start: start)
        try sim.inject(6, to: "turns.test")
        sim.run(until: start + .minutes(1))
        let sources = transport.delivered(to: "turns.test").compactMap(\.source)
        #expect(sources.count == 6)
        #expect(Set(sources) == ["192.0.2.10", "192.0.2.11"])
        #expect(sources.filter { $0 == "192.0.2.10" }.count == 3, "the addresses take turns")
        let rows = sim.accounting.filter { $0.type == .delivered }
        #expect(rows.count == 6)
        // Each row names the address its recipient was delivered from.
        for row in rows {
            let delivery = transport.delivered(to: "turns.test").first { $0.recipient == row.rcpt }
            #expect(row.dlvSourceIp == delivery?.source, "\(row.rcpt)")
        }
        let plans = [0, 1, 2].map { ConnectionPlan(key: QueueKey(domain: "turns.test", vmta: "v1"), settings: DomainSettings(),
                                                   vmta: model.virtualMTAs["v1"], source: $0, hostName: "node.test") }
        #expect(plans.map(\.client.heloName) == ["a.node.test", "b.node.test", "a.node.test"])
        #expect(plans.map(\.client.sourceAddress) == ["192.0.2.10", "192.0.2.11", "192.0.2.10"])
    }
}
