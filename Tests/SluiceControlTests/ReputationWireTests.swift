import Foundation
import SluiceCore
import Testing
@testable import SluiceControlProtocol

/// The reputation figures on the wire: new optional fields that round-trip, are absent when a
/// node does not report them, and that older documents decode without.
@Suite("Reputation figures in snapshots and settings (JSON)")
struct ReputationWireTests {
    static let thresholds = ComplaintThresholds()
    static let gmail = ComplaintFigures(
        lastHour: .init(delivered: 7_120, complaints: 25, thresholds: thresholds),
        lastDay: .init(delivered: 43_300, complaints: 52, thresholds: thresholds), complaints: 57, asyncBounces: 4)
    static let totals = ReputationTotals(
        suppressed: 120, suppressedLastMinute: 3, suppressedHistory: Array(repeating: 2, count: 60), dsnsSent: 40, dsnsLastMinute: 1,
        dsnsByAction: ["failed": 38, "delayed": 2], complaints: 57, complaintsByType: ["abuse": 56, "fraud": 1], asyncBounces: 4,
        asyncBouncesByCategory: ["bad-mailbox": 4], reportsUnparsed: 2)

    static func snapshot(reputation: Bool) -> NodeSnapshot {
        var rows = [QueueRow(domain: "gmail.com", vmta: "vmta1", figures: figures(queued: 10, delivered: 500))]
        var vmtas = [VMTARow(name: "vmta1", source: "127.0.0.10", paused: false, connections: 1, queued: 10, deliveredPerMin: 50,
                             deferredPerMin: 0, busiestDomains: ["gmail.com"])]
        var status = SnapshotDeltaTests.status(queued: 10)
        if reputation {
            rows[0].figures.complaints = gmail
            vmtas[0].complaints = gmail
            status.reputation = totals
        }
        var domains = DomainRow.totals(of: rows)
        if reputation { domains[0].figures.complaints = gmail }
        return NodeSnapshot(status: status, domains: domains, queues: rows, vmtas: vmtas)
    }

    static func json(_ value: some Encodable) throws -> [String: Any] {
        let data = try JSONEncoder().encode(value)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("the figures and totals round-trip with their stable keys")
    func roundTrip() throws {
        let snapshot = Self.snapshot(reputation: true)
        let decoded = try JSONDecoder().decode(NodeSnapshot.self, from: JSONEncoder().encode(snapshot))
        #expect(decoded == snapshot)
        #expect(decoded.domains[0].figures.complaints?.lastHour.level == .alarm)  // 25 in 7,120: 3.51 per 1,000
        #expect(decoded.domains[0].figures.complaints?.lastDay.level == .flag)   // 52 in 43,300: 1.20 per 1,000

        let object = try Self.json(snapshot)
        let domain = try #require((object["domains"] as? [[String: Any]])?.first)
        let complaints = try #require(domain["complaints"] as? [String: Any])
        let hour = try #require(complaints["1h"] as? [String: Any])
        #expect(hour["delivered"] as? Int == 7_120 && hour["complaints"] as? Int == 25 && hour["level"] as? String == "alarm")
        #expect((hour["per_1000"] as? Double).map { abs($0 - 25_000.0 / 7_120) < 1e-9 } == true)
        #expect(complaints["async_bounces"] as? Int == 4 && complaints["24h"] != nil)
        let reputation = try #require((object["status"] as? [String: Any])?["reputation"] as? [String: Any])
        #expect(reputation["suppressed_last_min"] as? Int == 3)
        #expect(reputation["dsns_by_action"] as? [String: Int] == ["failed": 38, "delayed": 2])
        #expect(reputation["reports_unparsed"] as? Int == 2)
    }

    @Test("a node without reputation figures sends none, and an older document decodes without them")
    func backwardCompatible() throws {
        let plain = Self.snapshot(reputation: false)
        let data = try JSONEncoder().encode(plain)
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(!text.contains("complaints") && !text.contains("reputation"))
        #expect(try JSONDecoder().decode(NodeSnapshot.self, from: data) == plain)

        let settings = SettingsSnapshot(queue: "gmail.com", entries: [.init(name: "max-smtp-out", value: "20", origin: "default")])
        let settingsData = try JSONEncoder().encode(settings)
        #expect(String(data: settingsData, encoding: .utf8)?.contains("reputation") == false)
        #expect(try JSONDecoder().decode(SettingsSnapshot.self, from: settingsData).reputation == nil)
    }

    @Test("a level this build does not know reads as low-volume; a window without deliveries has no rate")
    func lenientLevel() throws {
        let json = #"{"delivered":0,"complaints":2,"level":"meltdown"}"#
        let window = try JSONDecoder().decode(ComplaintFigures.Window.self, from: Data(json.utf8))
        #expect(window.level == .lowVolume && window.perThousand == nil && window.complaints == 2)
    }

    @Test("settings carry a domain's recent complaints and async bounces")
    func settingsRoundTrip() throws {
        var settings = SettingsSnapshot(queue: "gmail.com", entries: [.init(name: "max-smtp-out", value: "20", origin: "default")])
        settings.reputation = SettingsSnapshot.Reputation(figures: Self.gmail, recent: [
            EventRecord(time: 1_795_000_000, kind: "complaint", queue: "gmail.com/vmta1", recipient: "kim@gmail.com", code: 0,
                        dsnDiag: "arf abuse from fbl@example.net", category: "abuse"),
        ])
        let decoded = try JSONDecoder().decode(SettingsSnapshot.self, from: JSONEncoder().encode(settings))
        #expect(decoded == settings)
    }

    @Test("a delta carries the rows whose complaint figures changed, and the new totals")
    func delta() throws {
        let base = Self.snapshot(reputation: true)
        var next = base
        var more = Self.gmail
        more.complaints += 1
        next.domains[0].figures.complaints = more
        next.status.reputation?.suppressed += 1
        let delta = try #require(SnapshotDelta.between(base, next))
        #expect(delta.domains.map(\.name) == ["gmail.com"] && delta.queues.isEmpty && delta.vmtas.isEmpty)
        #expect(delta.status.reputation?.suppressed == 121)
        let wire = try JSONDecoder().decode(SnapshotDelta.self, from: JSONEncoder().encode(delta))
        #expect(wire.applied(to: base) == next)
    }
}
