import Foundation
import Testing
import SluiceConfig

@Suite("Settings report")
struct SettingsReportTests {
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

    private func report() -> SettingsReport {
        let model = load(Self.config, file: "file.conf").model
        return SettingsReport(queue: "gmail.com/vmta1", settings: model.effectiveSettings(domain: "gmail.com", vmta: "vmta1"))
    }

    @Test func jsonHasTheDesignShapeInCatalogOrder() throws {
        let json = report().json()
        #expect(json.hasPrefix(#"{"queue":"gmail.com/vmta1","settings":{"max-smtp-out":{"value":"20","origin":"default"},"#))
        #expect(json.contains(#""max-msg-rate":{"value":"40/s","origin":"file.conf:6"}"#))
        #expect(json.contains(#""retry-after":{"value":"10m,1h","origin":"file.conf:2"}"#))
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["queue"] as? String == "gmail.com/vmta1")
        let settings = try #require(object["settings"] as? [String: [String: String]])
        #expect(settings.count == DomainDirective.all.count)
        #expect(settings["smtp-hosts"] == ["value": "none", "origin": "default"])
    }

    @Test func jsonEscapesStrings() throws {
        var settings = DomainSettings()
        try settings.set("max-smtp-out", to: "3", origin: .live("ops \"night\"\n\\"))
        let json = SettingsReport(queue: "a.com", settings: settings).json()
        #expect(json.contains(#""max-smtp-out":{"value":"3","origin":"ops \"night\"\n\\"}"#))
        #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil)
    }

    @Test func tableAlignsColumns() {
        let report = report()
        let table = report.table()
        let rows = table.split(separator: "\n").map(String.init)
        #expect(rows.first == "queue gmail.com/vmta1")
        #expect(rows.count == DomainDirective.all.count + 2)
        let name = "backoff-to-normal-after-delivery".count
        let value = "unlimited".count
        #expect(report.rows.map(\.value.count).max() == value)
        #expect(rows[1] == "DIRECTIVE".padding(toLength: name + 2, withPad: " ", startingAt: 0)
                + "VALUE".padding(toLength: value + 2, withPad: " ", startingAt: 0) + "ORIGIN")
        #expect(rows.contains { $0.hasPrefix("max-msg-rate ") && $0.hasSuffix("  file.conf:6") })
        // Every origin starts in the same column.
        let originColumn = rows[1].range(of: "ORIGIN").map { rows[1].distance(from: rows[1].startIndex, to: $0.lowerBound) }
        for row in rows.dropFirst(2) {
            #expect(row.dropFirst(originColumn ?? 0).first != " ")
        }
    }
}
