import Foundation
import SluiceConsole
import SluiceControlProtocol
import SluiceConfig
import SluiceCore
import Testing

/// Golden-file tests of every view at 80×24 and 160×48. Each golden holds the text (Unicode
/// glyphs), the role of every cell (colour themes style by role), the ASCII-fallback text, and
/// the attributes every cell gets under the monochrome theme (NO_COLOR). Set
/// SLUICE_RECORD_SNAPSHOTS=1 to rewrite them (that run fails, so recording is never mistaken
/// for a pass); otherwise any difference fails.
@Suite struct SnapshotTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var setup: @Sendable (inout ConsoleState) -> Void
        /// True for the fleet console (three nodes, one stale: ``FleetFixture``).
        var fleet = false
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "domains") { _ in },
        Case(name: "queues") { s in Fixture.press([.char("2")], &s) },
        Case(name: "vmtas") { s in Fixture.press([.char("3")], &s) },
        Case(name: "diagnostics") { s in Fixture.press([.char("4"), .up, .up, .char(" ")], &s) },
        Case(name: "detail") { s in
            Fixture.press([.enter], &s)
            _ = ConsoleReducer.reduce(&s, .settingsLoaded(target: "gmail.com", .success(Fixture.gmailSettings)))
        },
        Case(name: "detail-dkim") { s in
            Fixture.press([.enter], &s)
            var settings = Fixture.gmailSettings
            settings.dkim = SettingsSnapshot.DKIMStatus(
                signing: ["signs: by From domain with s2026._domainkey.brand.example (rsa-2048, /etc/sluice/dkim/s2026.pem); "
                          + "other domains sent unsigned"],
                signed: 1_204, unsigned: 3, lastKey: "s2026._domainkey.brand.example",
                lastMissing: "no domain-key for other.example in virtual-mta 'vmta1' or at the top level")
            _ = ConsoleReducer.reduce(&s, .settingsLoaded(target: "gmail.com", .success(settings)))
        },
        Case(name: "domains-reputation") { s in
            _ = ConsoleReducer.reduce(&s, .snapshot(Fixture.reputationSnapshot, at: Fixture.now - TimeSpan.seconds(1)))
        },
        Case(name: "vmtas-reputation") { s in
            _ = ConsoleReducer.reduce(&s, .snapshot(Fixture.reputationSnapshot, at: Fixture.now - TimeSpan.seconds(1)))
            Fixture.press([.char("3")], &s)
        },
        Case(name: "vmtas-warmup") { s in
            _ = ConsoleReducer.reduce(&s, .snapshot(Fixture.warmupSnapshot, at: Fixture.now - TimeSpan.seconds(1)))
            Fixture.press([.char("3")], &s)
        },
        Case(name: "vmtas-listed") { s in
            _ = ConsoleReducer.reduce(&s, .snapshot(Fixture.listedSnapshot, at: Fixture.now - TimeSpan.seconds(1)))
            Fixture.press([.char("3")], &s)
        },
        Case(name: "detail-reputation") { s in
            _ = ConsoleReducer.reduce(&s, .snapshot(Fixture.reputationSnapshot, at: Fixture.now - TimeSpan.seconds(1)))
            Fixture.press([.enter], &s)
            _ = ConsoleReducer.reduce(&s, .settingsLoaded(target: "gmail.com", .success(Fixture.gmailReputationSettings)))
        },
        Case(name: "detail-disabled-source") { s in
            _ = ConsoleReducer.reduce(&s, .snapshot(Fixture.disabledSourceSnapshot, at: Fixture.now - TimeSpan.seconds(1)))
            Fixture.press([.enter], &s)
            _ = ConsoleReducer.reduce(&s, .settingsLoaded(target: "gmail.com", .success(Fixture.gmailSettings)))
        },
        Case(name: "help") { s in Fixture.press([.char("?")], &s) },
        Case(name: "patterns") { s in Fixture.press([.char("6"), .down], &s) },
        Case(name: "reply-rule") { s in
            Fixture.press([.char("6"), .down, .char("R")], &s)
            let pattern = TemplatePattern.pattern(for: Fixture.patterns[1].template)
            _ = ConsoleReducer.reduce(&s, .dryRunLoaded(pattern: pattern, .success(Fixture.yahooDryRun(pattern))))
        },
        Case(name: "time-travel") { s in
            Fixture.press([.char("["), .char("["), .char("[")], &s)
            _ = ConsoleReducer.reduce(&s, .frameLoaded(minute: Fixture.newestMinute - 2, .success(Fixture.incidentFrame)))
        },
        Case(name: "detail-history") { s in
            Fixture.press([.enter], &s)
            _ = ConsoleReducer.reduce(&s, .settingsLoaded(target: "gmail.com", .success(Fixture.gmailSettings)))
            _ = ConsoleReducer.reduce(&s, .seriesLoaded(kind: .domain, name: "gmail.com", .success(Fixture.gmailHistory)))
        },
        Case(name: "jobs") { s in Fixture.press([.char("7"), .down], &s) },
        Case(name: "jobs-delete") { s in Fixture.press([.char("7"), .down, .char("D")] + Fixture.type("winback"), &s) },
        Case(name: "command-line") { s in Fixture.press([.char(":")] + Fixture.type("throttle gmail.com max-msg-r") + [.tab], &s) },
        Case(name: "command-candidates") { s in Fixture.press([.char(":")] + Fixture.type("pause ") + [.tab], &s) },
        Case(name: "command-error") { s in Fixture.press([.char(":")] + Fixture.type("hold aol.com 30m") + [.enter], &s) },
        Case(name: "prompt") { s in Fixture.press([.char("/")] + Fixture.type("yahoo") + [.enter, .char("h")], &s) },
        Case(name: "throttle-form") { s in
            Fixture.press([.char("e")], &s)
            _ = ConsoleReducer.reduce(&s, .settingsLoaded(target: "gmail.com", .success(Fixture.gmailSettings)))
            Fixture.press(Fixture.type("20/q") + [.tab] + Fixture.type("4"), &s)
        },
        Case(name: "read-only") { s in s.readOnly = true; Fixture.press([.char("2"), .char(">"), .down], &s) },
        Case(name: "stale") { s in _ = ConsoleReducer.reduce(&s, .tick(Fixture.now + TimeSpan.seconds(30))) },
        Case(name: "fleet-domains", setup: { _ in }, fleet: true),
        Case(name: "fleet-queues", setup: { s in Fixture.press([.char("2")], &s) }, fleet: true),
        Case(name: "fleet-vmtas", setup: { s in Fixture.press([.char("3"), .down], &s) }, fleet: true),
        Case(name: "fleet-node", setup: { s in Fixture.press([.char("n"), .char("n")], &s) }, fleet: true),
        Case(name: "fleet-help", setup: { s in Fixture.press([.char("?")], &s) }, fleet: true),
    ]

    static let sizes = [(80, 24), (160, 48)]

    /// True with SLUICE_RECORD_SNAPSHOTS=1: the goldens are rewritten and every case fails.
    static var recording: Bool { ProcessInfo.processInfo.environment["SLUICE_RECORD_SNAPSHOTS"] == "1" }

    static func golden(_ state: ConsoleState) -> String {
        let unicode = ConsoleRenderer.render(state, glyphs: .unicode)
        let ascii = ConsoleRenderer.render(state, glyphs: .ascii)
        let mono = Theme.monochrome
        let attributes = (0..<unicode.height).map { y in
            String((0..<unicode.width).map { x in
                let a = mono.style(unicode[x, y].role).attributes.rawValue
                return a == 0 ? "." : Character(String(a, radix: 32))
            })
        }.joined(separator: "\n")
        return ["# text", unicode.text, "# roles", unicode.styleMap, "# ascii", ascii.text, "# mono attributes", attributes]
            .joined(separator: "\n") + "\n"
    }

    @Test(arguments: cases)
    func view(_ c: Case) throws {
        for (w, h) in Self.sizes {
            var state = c.fleet ? FleetFixture.state(width: w, height: h) : Fixture.state(width: w, height: h)
            c.setup(&state)
            let actual = Self.golden(state)
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Snapshots/\(c.name)-\(w)x\(h).golden")
            if Self.recording {
                let before = try? String(contentsOf: url, encoding: .utf8)
                try actual.write(to: url, atomically: true, encoding: .utf8)
                // A run that records checks nothing: it must never pass.
                let change = before == actual ? "unchanged" : "changed"
                Issue.record(Comment(rawValue: "recorded \(url.lastPathComponent) (\(change)) because SLUICE_RECORD_SNAPSHOTS=1: "
                                     + "record mode checks nothing; review the diff and run again without it"))
                continue
            }
            let expected = try String(contentsOf: url, encoding: .utf8)
            if expected != actual {
                let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
                let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
                let first = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }
                Issue.record("\(c.name) \(w)x\(h) differs from \(url.lastPathComponent) at line \((first?.offset ?? min(e.count, a.count)) + 1):\nexpected: \(first.map { String($0.element.0) } ?? "")\nactual:   \(first.map { String($0.element.1) } ?? "")\n(SLUICE_RECORD_SNAPSHOTS=1 rewrites goldens)")
            }
        }
    }
}
