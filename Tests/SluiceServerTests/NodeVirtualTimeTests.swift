import SluiceConfig
import SluiceControlProtocol
import SluiceControlServer
import SluiceCore
import SluiceSMTP
@testable import SluiceServer
import SluiceSpool
import Testing

/// A whole ``MailNode`` (spool, engine, timer, control service) on the virtual clock with the
/// in-memory transport: no sockets, no sleeps.
@Suite("The node on virtual time")
struct NodeVirtualTimeTests {
    static let stormLength = TimeSpan.minutes(10)

    static func configuration(spool: String) -> String {
        """
        host-name node.test
        spool \(spool)
        <virtual-mta v1>
            smtp-source-host 192.0.2.10 node.test
        </virtual-mta>
        <smtp-pattern-list storm>
            reply /^421 4\\.7\\.0/ mode=backoff
        </smtp-pattern-list>
        <domain *>
            max-smtp-out 2
            retry-after 1m
        </domain>
        <domain storm.test>
            smtp-pattern-list storm
            backoff-retry-after 3m
            backoff-to-normal-after-delivery yes
        </domain>
        """
    }

    @Test("a 421 storm backs its queue off until a retry after the storm delivers; held mail waits for the release")
    func stormAndHold() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let clock = VirtualClock()
        let stormEnds = clock.now() + Self.stormLength
        let transport = InMemoryTransport(clock: clock) { domain, now in
            domain == "storm.test" && now < stormEnds ? .reply(SMTPReply(421, "4.7.0", "try later")) : .accept
        }
        let options = NodeOptions(smtpListeners: [], controlSocketPath: "", auditLogPath: "", transport: transport, clock: clock,
                                  log: { _ in })
        let node = try await MailNode.start(configuration: try loadConfiguration(Self.configuration(spool: "\(dir)/spool")),
                                            options: options)
        let events = EventCollector(node)
        let service = node.controlService
        let actor = ControlActor.socketPeer(uid: 0, user: "root", label: "test")
        _ = try await service.handle(.execute(.hold(domain: "held.test")), reason: "test", by: actor)
        for n in 0..<3 {
            try await admitDirectly(node, to: "s\(n)@storm.test", at: clock)
            try await admitDirectly(node, to: "h\(n)@held.test", at: clock)
            try await admitDirectly(node, to: "f\(n)@free.test", at: clock)
        }

        try await drive(clock, node, until: "free.test delivered and storm.test backed off") {
            let storm = await node.snapshot().queues.first { $0.domain == "storm.test" }
            return transport.delivered(to: "free.test").count == 3 && storm?.figures.mode == "backoff"
        }
        try await drive(clock, node, until: "the storm over", limit: .minutes(11)) { clock.now() >= stormEnds }
        #expect(transport.delivered(to: "storm.test").isEmpty)
        #expect(transport.delivered(to: "held.test").isEmpty, "nothing delivered while held")

        try await drive(clock, node, until: "storm.test delivered") { transport.delivered(to: "storm.test").count == 3 }
        #expect(transport.delivered(to: "storm.test").allSatisfy { $0.time >= stormEnds })
        try await drive(clock, node, until: "storm.test back to normal") {
            await node.snapshot().queues.first { $0.domain == "storm.test" }?.figures.mode == "normal"
        }
        #expect(events.events(kind: "deferred", domain: "storm.test").count >= 3)
        #expect(transport.delivered(to: "held.test").isEmpty, "still held")

        let releasedAt = clock.now()
        _ = try await service.handle(.execute(.release(domain: "held.test")), reason: "test", by: actor)
        try await drive(clock, node, until: "held.test delivered after the release") { transport.delivered(to: "held.test").count == 3 }
        #expect(transport.delivered(to: "held.test").allSatisfy { $0.time >= releasedAt })
        try await drive(clock, node, until: "every delivery recorded as an event") { events.events(kind: "delivered").count == 9 }
        await node.shutdown()
        #expect(transport.openConnections == 0, "shutdown closed the delivery connections")
    }
}
