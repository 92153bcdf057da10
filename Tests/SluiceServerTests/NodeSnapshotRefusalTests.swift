import Foundation
import SluiceConfig
import SluiceControlProtocol
@testable import SluiceControlServer
import SluiceCore
@testable import SluiceServer
import SluiceSpool
import Testing

/// Connection-level refusals and time in queue, from a real engine through the snapshot to
/// `/metrics` and the JSON of `show domains`.
@Suite("Snapshot: refused connections and time in queue")
struct NodeSnapshotRefusalTests {
    static let tss04 = SMTPReply("421 4.7.0 [TSS04] Messages from 127.0.0.1 temporarily deferred due to unexpected volume")

    /// Connections to b.test are refused at the greeting with TSS04 (one, then the retry wait); a.test's are answered: v1
    /// delivers, v2 defers.
    static func settle(_ engine: inout DeliveryEngine, _ first: [EngineAction], from start: Instant, until end: Instant) {
        var pending = first
        var time = start
        while true {
            while !pending.isEmpty {
                switch pending.removeFirst() {
                case .openConnection(let id, let key):
                    pending += key.domain == "b.test" ? engine.connectionFailed(id, .rejected(tss04), now: time)
                                                      : engine.connectionOpened(id, now: time)
                case .startTransaction(let tx):
                    let reply = SMTPReply(tx.queue.vmta == "v1" ? "250 2.0.0 ok" : "451 4.3.0 try again later")
                    pending += engine.transactionCompleted(tx.id, replies: tx.recipients.map { _ in reply }, now: time)
                default: break
                }
            }
            guard let wake = engine.nextWakeup, wake <= end else { return }
            time = max(time, wake)
            pending = engine.tick(now: time)
        }
    }

    @Test("refusals per queue, domain, vmta and node; oldest age, drain time and latency; /metrics and JSON")
    func refusalsAndTimeInQueue() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let model = try loadConfiguration(NodeSnapshotBuilderTests.configuration)
        var engine = DeliveryEngine(configuration: model)
        let start = Instant(milliseconds: 1_000_000)
        let now = start + .seconds(30)
        var id: UInt64 = 0
        for (domain, vmta, count) in [("a.test", "v1", 3), ("a.test", "v2", 2), ("b.test", "v1", 2)] {
            for _ in 0..<count {
                id += 1
                let message = Message(id: MessageID(id), sender: "s@origin.test", recipients: ["r\(id)@\(domain)"],
                                      size: 100, vmta: "", receivedAt: start)
                Self.settle(&engine, try engine.inject(message, route: InjectionRoute(defaultVMTA: vmta), now: start),
                            from: start, until: start)
            }
        }
        Self.settle(&engine, [], from: start, until: now)
        let (spool, _) = try Spool.open(directory: "\(dir)/spool")
        let snapshot = NodeSnapshotBuilder(
            engine: engine, inboundConnections: 0, refusedInbound: [:], configuration: model, hostName: "node.test",
            uptime: 30, messagesReceived: 7, spool: spool, spoolDirectory: "\(dir)/spool", now: now).build()
        await spool.close()

        let queues = Dictionary(uniqueKeysWithValues: snapshot.queues.map { ($0.name, $0.figures) })
        let b = try #require(queues["b.test/v1"])
        #expect(b.refused == 1 && abs(b.refusedPerMin - 1) < 1e-9, "its one connection refused at the greeting, then the retry wait")
        #expect(queues["a.test/v2"]?.refused == 0)
        #expect(snapshot.domains.first { $0.name == "b.test" }?.figures.refused == 1)
        #expect(abs((snapshot.vmtas.first { $0.name == "v1" }?.refusedPerMin ?? 0) - 1) < 1e-9)
        #expect(snapshot.status.out.refused == 1 && snapshot.status.out.refusedPerS == 1.0 / 60)
        // Time in queue: b.test's two and a.test/v2's two wait since `start`; a.test/v1 is empty.
        #expect(b.oldestAgeS == 30)
        #expect(queues["a.test/v1"]?.oldestAgeS == nil)
        #expect(b.drainS == nil, "nothing delivered: no time to empty")
        let a = try #require(snapshot.domains.first { $0.name == "a.test" }?.figures)
        #expect(a.oldestAgeS == 30)
        #expect(abs((a.drainS ?? 0) - 40) < 1e-9, "two queued at three a minute")
        #expect(a.latency?.total == 3)
        #expect(abs((a.latency?.quantile(0.5) ?? 0) - 0.5) < 1e-9, "the median of three in the first bucket, (0, 1]")

        let metrics = Set(MetricsRenderer.render(snapshot, bouncesByCategory: [:]).split(separator: "\n").map(String.init))
        #expect(metrics.contains(#"sluice_connections_refused_total{node="node.test",domain="b.test",vmta="v1"} 1"#))
        #expect(metrics.contains { $0.hasPrefix("# HELP sluice_connections_refused_total Delivery connections the remote host refused") })
        #expect(metrics.contains(#"sluice_queue_oldest_age_seconds{node="node.test",domain="b.test",vmta="v1"} 30"#))
        #expect(metrics.contains("# TYPE sluice_delivery_latency_seconds histogram"))
        #expect(metrics.contains(#"sluice_delivery_latency_seconds_bucket{node="node.test",domain="a.test",le="1"} 3"#))
        #expect(metrics.contains(#"sluice_delivery_latency_seconds_bucket{node="node.test",domain="a.test",le="+Inf"} 3"#))
        #expect(metrics.contains(#"sluice_delivery_latency_seconds_count{node="node.test",domain="a.test"} 3"#))

        let json = try JSONEncoder().encode(snapshot.domains)
        let rows = try #require(try JSONSerialization.jsonObject(with: json) as? [[String: Any]])
        let bJSON = try #require(rows.first { $0["name"] as? String == "b.test" })
        #expect(bJSON["refused_connections"] as? Int == 1 && bJSON["oldest_queued_age_s"] as? Double == 30)
        let p95 = try #require(rows.first { $0["name"] as? String == "a.test" }?["latency_p95_s"] as? Double)
        #expect(abs(p95 - 0.95) < 0.01, "the p95 of three deliveries within a second")
        #expect(try JSONDecoder().decode([DomainRow].self, from: json) == snapshot.domains)
    }
}
