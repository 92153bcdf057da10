import Foundation
import Testing
import SluiceControlClient
import SluiceControlProtocol

/// `sluice show warmup`: the warming vmtas of a `show vmtas` answer.
@Suite("show warmup")
struct WarmupReportTests {
    static let rows = [
        VMTARow(name: "fresh", source: "192.0.2.20", paused: false, connections: 1, queued: 40, deliveredPerMin: 2,
                deferredPerMin: 0, busiestDomains: ["gmail.com"],
                warmup: WarmupFigures(schedule: "new-ip", day: 3, days: 20, sentToday: 120, capToday: 500, rate: "5/s",
                                      held: "deferral rate 14% > 10%")),
        VMTARow(name: "old", source: "192.0.2.10", paused: false, connections: 4, queued: 900, deliveredPerMin: 300,
                deferredPerMin: 1, busiestDomains: ["gmail.com"]),
    ]

    @Test func tableListsOnlyWarmingVMTAs() {
        let lines = WarmupReport(Self.rows).render().split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("VMTA"))
        for cell in ["fresh", "new-ip", "day 3 of 20", "120", "500", "5/s", "deferral rate 14% > 10%"] {
            #expect(lines[1].contains(cell), "\(cell) in \(lines[1])")
        }
        #expect(WarmupReport([Self.rows[1]]).render() == "no vmta has a warm-up schedule\n")
    }

    @Test func jsonHasTheDocumentedKeys() throws {
        let data = try controlJSONEncoder().encode(WarmupReport(Self.rows))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let lines = try #require(object["warmup"] as? [[String: Any]])
        #expect(lines.count == 1)
        #expect(lines[0]["vmta"] as? String == "fresh")
        #expect(lines[0]["day"] as? Int == 3 && lines[0]["days"] as? Int == 20)
        #expect(lines[0]["sent_today"] as? Int == 120 && lines[0]["cap_today"] as? Int == 500)
        #expect(lines[0]["held"] as? String == "deferral rate 14% > 10%")
        // The vmta row carries the same figures under `warmup`, and a row without them has no key.
        let vmtas = try #require(try JSONSerialization.jsonObject(with: controlJSONEncoder().encode(Self.rows)) as? [[String: Any]])
        #expect((vmtas[0]["warmup"] as? [String: Any])?["schedule"] as? String == "new-ip")
        #expect(vmtas[1]["warmup"] == nil)
    }
}
