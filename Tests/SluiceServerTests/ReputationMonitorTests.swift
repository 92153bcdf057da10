import Foundation
import SluiceConfig
import SluiceControlProtocol
import SluiceControlServer
import SluiceCore
@testable import SluiceServer
import Testing

/// The node's reputation figures fed from its event hub: the event contract (`delivered`,
/// `complaint`, `async-bounce`, `suppressed`, `dsn`, `report-unparsed`) counted at the events'
/// times, then shown in the node's snapshot, its settings answer and /metrics.
@Suite("Reputation monitor")
struct ReputationMonitorTests {
    static let t0 = 1_795_000_000.0

    static func event(_ kind: String, _ queue: String, _ recipient: String = "", code: Int = 0, diag: String = "",
                      category: String = "", at offset: Double = 0) -> EventRecord {
        EventRecord(time: t0 + offset, kind: kind, queue: queue, recipient: recipient, code: code, dsnDiag: diag, category: category)
    }

    @Test("each event kind of the contract is counted; other kinds and times that are not numbers are not")
    func eventContract() {
        let hub = EventHub()
        let monitor = ReputationMonitor(hub: hub)
        for i in 0..<2_000 { hub.publish(Self.event("delivered", "gmail.com/vmta1", "u\(i)@gmail.com", code: 250, at: Double(i % 60))) }
        for i in 0..<3 {
            hub.publish(Self.event("complaint", "gmail.com/vmta1", "c\(i)@gmail.com", diag: "arf abuse from feedback@google.com",
                                   category: "abuse", at: 61))
        }
        hub.publish(Self.event("complaint", "gmail.com/", "lost@gmail.com", diag: "arf abuse", category: "abuse", at: 62))
        hub.publish(Self.event("async-bounce", "gmail.com/vmta1", "gone@gmail.com", code: 550, diag: "550 5.1.1 no such user",
                               category: "bad-mailbox", at: 63))
        hub.publish(Self.event("suppressed", "gmail.com/", "gone@gmail.com", code: 550, diag: "550 5.7.1 suppressed",
                               category: "bad-mailbox", at: 64))
        hub.publish(Self.event("dsn", "gmail.com/vmta1", "gone@gmail.com", category: "failed", at: 64))
        hub.publish(Self.event("report-unparsed", "", diag: "no machine-readable part", at: 64))
        hub.publish(Self.event("bounced", "gmail.com/vmta1", "x@gmail.com", code: 550, category: "bad-mailbox", at: 64))
        hub.publish(EventRecord(time: .nan, kind: "delivered", queue: "gmail.com/vmta1", recipient: "n@gmail.com", code: 250,
                                dsnDiag: "", category: ""))

        let now = Instant(milliseconds: Int64((Self.t0 + 65) * 1000))
        let (domain, queue, vmta, totals, recent) = monitor.read { stats in
            (stats.figures(domain: "gmail.com", at: now), stats.figures(queue: QueueKey(domain: "gmail.com", vmta: "vmta1"), at: now),
             stats.figures(vmta: "vmta1", at: now), stats.totals(at: now), stats.recent(domain: "gmail.com"))
        }
        #expect(domain?.lastHour.delivered == 2_000 && domain?.lastHour.complaints == 4)
        // 3 attributed complaints and 1 whose vmta is unknown, in 2,000 deliveries: 2 per 1,000.
        #expect(domain?.lastHour.perThousand == 2 && domain?.lastHour.level == .flag)
        #expect(queue?.lastHour.complaints == 3 && vmta?.lastHour.complaints == 3 && vmta?.asyncBounces == 1)
        #expect(totals.suppressed == 1 && totals.dsnsByAction == ["failed": 1] && totals.reportsUnparsed == 1)
        #expect(totals.complaints == 4 && totals.asyncBouncesByCategory == ["bad-mailbox": 1])
        #expect(recent.map(\.recipient) == ["c0@gmail.com", "c1@gmail.com", "c2@gmail.com", "lost@gmail.com", "gone@gmail.com"])
        #expect(recent.last?.code == 550 && recent.first?.detail == "arf abuse from feedback@google.com")
    }

    @Test("a queue without a slash is a domain without a vmta")
    func queueParts() {
        #expect(ReputationMonitor.queueParts("gmail.com/vmta1") == ("gmail.com", "vmta1"))
        #expect(ReputationMonitor.queueParts("gmail.com/") == ("gmail.com", ""))
        #expect(ReputationMonitor.queueParts("gmail.com") == ("gmail.com", ""))
    }

    @Test("a running node shows the figures in its snapshot and settings and serves them in /metrics")
    func node() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let config = try loadConfiguration(testConfiguration(spool: "\(dir)/spool", routes: [("slow.test", 9)]))
        try await withNode(config, directory: dir) { node, _ in
            try await admitDirectly(node, to: "queued@slow.test", at: WallClock())
            let start = Double(node.startedAt.milliseconds) / 1000
            for i in 0..<1_500 {
                node.events.publish(EventRecord(time: start, kind: "delivered", queue: "slow.test/v1", recipient: "u\(i)@slow.test",
                                                code: 250, dsnDiag: "250 ok", category: ""))
            }
            for i in 0..<6 {
                node.events.publish(EventRecord(time: start, kind: "complaint", queue: "slow.test/v1", recipient: "c\(i)@slow.test",
                                                code: 0, dsnDiag: "arf abuse from fbl@slow.test", category: "abuse"))
            }
            node.events.publish(EventRecord(time: start, kind: "suppressed", queue: "slow.test/", recipient: "c0@slow.test", code: 550,
                                            dsnDiag: "550 5.7.1 recipient suppressed", category: "complaint"))
            node.events.publish(EventRecord(time: start, kind: "dsn", queue: "slow.test/v1", recipient: "gone@slow.test", code: 0,
                                            dsnDiag: "", category: "failed"))

            let snapshot = await node.snapshot()
            let row = try #require(snapshot.domains.first { $0.name == "slow.test" })
            #expect(row.figures.complaints?.lastHour.complaints == 6 && row.figures.complaints?.lastHour.level == .alarm)
            #expect(snapshot.queues.first { $0.name == "slow.test/v1" }?.figures.complaints?.complaints == 6)
            #expect(snapshot.vmtas.first { $0.name == "v1" }?.complaints?.lastDay.delivered == 1_500)
            #expect(snapshot.status.reputation?.suppressed == 1 && snapshot.status.reputation?.suppressedLastMinute == 1)
            #expect(snapshot.status.reputation?.dsnsSent == 1)

            let settings = try await node.settings(for: .domain("slow.test"))
            #expect(settings.reputation?.recent.count == 6 && settings.reputation?.recent.first?.kind == "complaint")
            #expect(settings.reputation?.recent.first?.queue == "slow.test/v1")
            #expect(settings.reputation?.figures?.complaints == 6)
            let queue = try await node.settings(for: .queue(QueueKey(domain: "slow.test", vmta: "v1")))
            #expect(queue.reputation?.figures?.lastHour.delivered == 1_500)

            let metrics = MetricsRenderer.render(snapshot, bouncesByCategory: await node.bouncesByCategory())
            #expect(metrics.contains(#"sluice_complaint_rate_per_1000{node="node.test",domain="slow.test",window="1h"} 4"#))
            #expect(metrics.contains(#"sluice_complaints_total{node="node.test",domain="slow.test",vmta="v1"} 6"#))
        }
    }
}
