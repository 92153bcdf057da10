import Foundation
import SluiceConfig
import SluiceControlProtocol
import SluiceCore
@testable import SluiceServer
import Testing

/// Warm-up in a whole ``MailNode`` on the virtual clock: the cap holds mail back, the listing hook
/// holds the step, and both survive a restart through `warmup.json` in the spool directory.
@Suite("Warm-up in the node")
struct WarmupNodeTests {
    /// 2026-01-01T10:00:00Z: hours from the end of the UTC day.
    static let start = Instant(milliseconds: 1_767_261_600_000)

    static func configuration(spool: String) -> String {
        """
        host-name node.test
        spool \(spool)
        <warmup-schedule tiny>
            day 1 max-msg 2/day
            day 2 max-msg 4/day
            max-deferral-rate 10%
        </warmup-schedule>
        <virtual-mta v1>
            smtp-source-host 192.0.2.10 node.test
            warmup-schedule tiny
        </virtual-mta>
        """
    }

    func start(_ spool: String, clock: VirtualClock, transport: InMemoryTransport) async throws -> MailNode {
        let options = NodeOptions(smtpListeners: [], controlSocketPath: "", auditLogPath: "", transport: transport, clock: clock,
                                  log: { _ in })
        return try await MailNode.start(configuration: try loadConfiguration(Self.configuration(spool: spool)), options: options)
    }

    func warmup(_ node: MailNode) async -> WarmupFigures? {
        await node.snapshot().vmtas.first { $0.name == "v1" }?.warmup
    }

    @Test("mail over the day's cap waits; a listing holds the step; both survive a restart")
    func capListingAndRestart() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let clock = VirtualClock(Self.start)
        let transport = InMemoryTransport(clock: clock) { _, _ in .accept }
        var node = try await start("\(dir)/spool", clock: clock, transport: transport)
        for n in 0..<5 { try await admitDirectly(node, to: "u\(n)@a.test", at: clock) }
        try await drive(clock, node, until: "the day's cap delivered") { transport.delivered(to: "a.test").count == 2 }
        try await drive(clock, node, until: "ten more minutes", limit: .minutes(11)) { clock.now() >= Self.start + .minutes(10) }
        #expect(transport.delivered(to: "a.test").count == 2, "the rest waits for the next day")
        #expect(await warmup(node) == WarmupFigures(schedule: "tiny", day: 1, days: 2, sentToday: 2, capToday: 2,
                                                     rate: "unlimited", held: nil))
        let queue = await node.snapshot().queues.first { $0.domain == "a.test" }
        #expect(queue?.figures.why.hasPrefix("rate-limited: warmup-schedule tiny 2/day (day 1 of 2)") == true)
        #expect(queue?.figures.bounced == 0)

        await node.setListed(vmta: "v1", listed: true)
        await node.setListed(vmta: "nobody", listed: true)  // Safe for any name.
        #expect(await warmup(node)?.held == "listed on a blocklist")
        await node.shutdown()
        #expect(FileManager.default.fileExists(atPath: "\(dir)/spool/warmup.json"))

        node = try await start("\(dir)/spool", clock: clock, transport: transport)
        #expect(await warmup(node) == WarmupFigures(schedule: "tiny", day: 1, days: 2, sentToday: 2, capToday: 2,
                                                     rate: "unlimited", held: "listed on a blocklist"))
        try await drive(clock, node, until: "ten more minutes after the restart", limit: .minutes(11)) {
            clock.now() >= Self.start + .minutes(20)
        }
        #expect(transport.delivered(to: "a.test").count == 2, "the restart gives no second day's worth")
        #expect(await node.snapshot().queues.first { $0.domain == "a.test" }?.figures.queued == 3)
        await node.shutdown()
    }
}
