import Foundation
import SluiceCore
import Testing
@testable import SluiceControlProtocol
@testable import SluiceControlServer

@Suite("Reputation figures in /metrics")
struct ReputationMetricsTests {
    /// FakeNode's snapshot with complaint figures on gmail.com's rows, vmta1 and the status.
    static func snapshot() async -> NodeSnapshot {
        var snapshot = await FakeNode().snapshot()
        let t = ComplaintThresholds()
        let hot = ComplaintFigures(lastHour: .init(delivered: 2_000, complaints: 7, thresholds: t),
                                   lastDay: .init(delivered: 40_000, complaints: 30, thresholds: t), complaints: 31, asyncBounces: 2)
        let quiet = ComplaintFigures(lastHour: .init(delivered: 0, complaints: 0, thresholds: t),
                                     lastDay: .init(delivered: 900, complaints: 1, thresholds: t), complaints: 1, asyncBounces: 0)
        snapshot.domains[0].figures.complaints = hot
        snapshot.queues[0].figures.complaints = hot
        snapshot.queues[1].figures.complaints = quiet
        snapshot.vmtas[0].complaints = hot
        snapshot.status.reputation = ReputationTotals(
            suppressed: 120, suppressedLastMinute: 3, suppressedHistory: [], dsnsSent: 40, dsnsLastMinute: 1,
            dsnsByAction: ["failed": 38, "delayed": 2], complaints: 33, complaintsByType: ["abuse": 32, "fraud": 1],
            asyncBounces: 2, asyncBouncesByCategory: ["bad-mailbox": 2], reportsUnparsed: 5)
        return snapshot
    }

    @Test("complaints per queue, rates per domain and vmta and window, node-wide counters; no rate without deliveries")
    func families() async {
        let text = MetricsRenderer.render(await Self.snapshot(), bouncesByCategory: [:])
        let lines = Set(text.split(separator: "\n").map(String.init))
        #expect(lines.contains(#"sluice_complaints_total{node="mx1.test",domain="gmail.com",vmta="vmta1"} 31"#))
        #expect(lines.contains(#"sluice_complaints_total{node="mx1.test",domain="gmail.com",vmta="vmta2"} 1"#))
        #expect(lines.contains(#"sluice_complaint_rate_per_1000{node="mx1.test",domain="gmail.com",window="1h"} 3.5"#))
        #expect(lines.contains(#"sluice_complaint_rate_per_1000{node="mx1.test",domain="gmail.com",window="24h"} 0.75"#))
        #expect(lines.contains(#"sluice_vmta_complaint_rate_per_1000{node="mx1.test",vmta="vmta1",window="1h"} 3.5"#))
        #expect(lines.contains(#"sluice_suppressed_injections_total{node="mx1.test"} 120"#))
        #expect(lines.contains(#"sluice_dsns_sent_total{node="mx1.test",action="failed"} 38"#))
        #expect(lines.contains(#"sluice_complaints_received_total{node="mx1.test",type="abuse"} 32"#))
        #expect(lines.contains(#"sluice_async_bounces_total{node="mx1.test",category="bad-mailbox"} 2"#))
        #expect(lines.contains(#"sluice_reports_unparsed_total{node="mx1.test"} 5"#))
        #expect(lines.contains("# TYPE sluice_complaint_rate_per_1000 gauge"))
        #expect(lines.contains("# TYPE sluice_complaints_total counter"))
        #expect(!text.contains(#"domain="yahoo.com",window"#))  // no figures, no rate

        // A node that does not report them has none of these families.
        let plain = MetricsRenderer.render(await FakeNode().snapshot(), bouncesByCategory: [:])
        #expect(!plain.contains("complaint") && !plain.contains("suppressed") && !plain.contains("dsns"))
    }

    @Test(Peers.prometheusClient)
    func parsesWithPrometheusClient() async throws {
        let python = try #require(prometheusPython)
        let parsed = try await parseWithPrometheusClient(python: python,
                                                         text: MetricsRenderer.render(await Self.snapshot(), bouncesByCategory: [:]))
        #expect(parsed["sluice_complaints_total|domain=gmail.com,node=mx1.test,vmta=vmta1"] == 31)
        #expect(parsed["sluice_complaint_rate_per_1000|domain=gmail.com,node=mx1.test,window=1h"] == 3.5)
        #expect(parsed["sluice_vmta_complaint_rate_per_1000|node=mx1.test,vmta=vmta1,window=24h"] == 0.75)
        #expect(parsed["sluice_suppressed_injections_total|node=mx1.test"] == 120)
        #expect(parsed["sluice_dsns_sent_total|action=delayed,node=mx1.test"] == 2)
        #expect(parsed["sluice_complaints_received_total|node=mx1.test,type=fraud"] == 1)
        #expect(parsed["sluice_async_bounces_total|category=bad-mailbox,node=mx1.test"] == 2)
        #expect(parsed["sluice_reports_unparsed_total|node=mx1.test"] == 5)
    }
}
