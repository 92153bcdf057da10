import Foundation
import SluiceControlClient
import Testing
@testable import SluiceControlProtocol
@testable import SluiceControlServer

@Suite("Blocklist listings in /metrics, show vmtas and the wire")
struct BlocklistMetricsTests {
    static let listing = BlocklistListing(zone: "zen.spamhaus.org", answer: "127.0.0.2", meaning: "SBL", action: "pause",
                                          since: 1_733_400_000)

    @Test("a listed vmta has one sluice_blocklist_listed series per zone; an unlisted one none")
    func metric() async {
        var snapshot = await FakeNode().snapshot()
        snapshot.vmtas[0].listings = [Self.listing]
        let lines = Set(MetricsRenderer.render(snapshot, bouncesByCategory: [:]).split(separator: "\n").map(String.init))
        let name = snapshot.vmtas[0].name
        #expect(lines.contains(#"sluice_blocklist_listed{node="mx1.test",vmta="\#(name)",zone="zen.spamhaus.org",answer="127.0.0.2"} 1"#))
        #expect(lines.filter { $0.hasPrefix("sluice_blocklist_listed{") }.count == 1)
    }

    @Test("show vmtas: the state names the listing; JSON has a listings array, read back (missing: empty)")
    func showAndWire() async throws {
        var row = await FakeNode().snapshot().vmtas[0]
        row.listings = [Self.listing]
        row.paused = true
        #expect(ShowRenderer.vmtas([row]).contains("paused, listed: zen.spamhaus.org 127.0.0.2"))
        let data = try JSONEncoder().encode(row)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let listings = try #require(object["listings"] as? [[String: Any]])
        #expect(listings.first?["zone"] as? String == "zen.spamhaus.org" && listings.first?["answer"] as? String == "127.0.0.2")
        #expect(try JSONDecoder().decode(VMTARow.self, from: data) == row)
        var old = object
        old["listings"] = nil
        let decoded = try JSONDecoder().decode(VMTARow.self, from: try JSONSerialization.data(withJSONObject: old))
        #expect(decoded.listings.isEmpty && decoded.name == row.name)
    }
}
