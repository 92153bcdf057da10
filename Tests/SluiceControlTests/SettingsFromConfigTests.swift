import Foundation
import SluiceConfig
import Testing
@testable import SluiceControlClient
@testable import SluiceControlProtocol
@testable import SluiceControlServer

/// `show settings`, offline (`--config`) and from the daemon, prints one `SettingsSnapshot`: these
/// check the snapshot built from a configuration's effective settings, its JSON and its table.
@Suite("Settings from a configuration")
struct SettingsFromConfigTests {
    static let config = """
        <domain *>
            retry-after 10m,1h
        </domain>
        <virtual-mta vmta1>
            <domain gmail.com>
                max-msg-rate 40/s
            </domain>
        </virtual-mta>
        """

    private func snapshot() -> SettingsSnapshot {
        let model = ConfigLoader.load(text: Self.config, fileName: "file.conf").model
        return SettingsSnapshot(queue: "gmail.com/vmta1", settings: model.effectiveSettings(domain: "gmail.com", vmta: "vmta1"))
    }

    @Test func everyDirectiveInCatalogOrderWithItsOrigin() {
        let s = snapshot()
        #expect(s.entries.map(\.name) == DomainDirective.all.map(\.name))
        #expect(s.entries.first { $0.name == "max-msg-rate" } == .init(name: "max-msg-rate", value: "40/s", origin: "file.conf:6"))
        #expect(s.entries.first { $0.name == "retry-after" } == .init(name: "retry-after", value: "10m,1h", origin: "file.conf:2"))
        #expect(s.entries.first { $0.name == "smtp-hosts" } == .init(name: "smtp-hosts", value: "none", origin: "default"))
    }

    @Test func jsonHasTheDesignShape() throws {
        let data = try controlJSONEncoder().encode(ControlResult.settings(snapshot()))
        let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["queue"] as? String == "gmail.com/vmta1")
        let settings = try #require(object["settings"] as? [String: [String: String]])
        #expect(settings.count == DomainDirective.all.count)
        #expect(settings["max-msg-rate"] == ["value": "40/s", "origin": "file.conf:6"])
    }

    @Test func originsWithQuotesAndNewlinesStayValidJSON() throws {
        var settings = DomainSettings()
        try settings.set("max-smtp-out", to: "3", origin: .live("ops \"night\"\n\\"))
        let data = try controlJSONEncoder().encode(ControlResult.settings(SettingsSnapshot(queue: "a.com", settings: settings)))
        let decoded = try JSONDecoder().decode(SettingsSnapshot.self, from: data)
        #expect(decoded.entries.first { $0.name == "max-smtp-out" }?.origin == "ops \"night\"\n\\")
    }

    @Test func tableHasARowPerDirective() {
        let table = ShowRenderer.settings(snapshot())
        let rows = table.split(separator: "\n").map(String.init)
        #expect(rows.first == "Settings for gmail.com/vmta1")
        #expect(rows.contains { $0.hasPrefix("max-msg-rate") && $0.contains("40/s") && $0.hasSuffix("file.conf:6") })
        #expect(rows.filter { row in DomainDirective.all.contains { row.hasPrefix($0.name + " ") } }.count
                == DomainDirective.all.count)
    }
}
