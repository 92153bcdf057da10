import Foundation
import SluiceConsole
import Testing

@Suite struct ThemeTests {
    static let themesDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes").path

    @Test(arguments: ["default", "dark", "light", "high-contrast", "mono"])
    func shippedThemeDefinesEveryRole(_ name: String) throws {
        let theme = try ThemeLoader.load(name: name, directories: [Self.themesDir])
        #expect(theme.name == name)
        #expect(Set(theme.styles.keys) == Set(Role.allCases), "missing: \(Set(Role.allCases).subtracting(theme.styles.keys))")
        for depth in ColorDepth.allCases {
            let reduced = theme.reduced(to: depth)
            for style in reduced.styles.values {
                for colour in [style.foreground, style.background] {
                    switch (depth, colour) {
                    case (.mono, let c): #expect(c == .default)
                    case (.ansi8, .ansi(let n)): #expect(n < 8)
                    case (.ansi8, .default): break
                    case (.ansi8, let c): Issue.record("\(name) at 8 colours kept \(c)")
                    case (.ansi256, .rgb): Issue.record("\(name) at 256 colours kept 24-bit \(colour)")
                    default: break
                    }
                }
            }
        }
    }

    @Test("a theme with CRLF or CR line ends reads as its LF copy", arguments: ["default", "dark"])
    func lineEnds(_ name: String) throws {
        let text = try String(contentsOfFile: Self.themesDir + "/\(name).theme", encoding: .utf8)
        let lf = try Theme.parse(text, name: name, file: "t")
        for end in ["\r\n", "\r"] {
            let copy = text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: end)
            #expect(try Theme.parse(copy, name: name, file: "t") == lf)
        }
    }

    @Test func monoFileMatchesTheBuiltInFallback() throws {
        let file = try ThemeLoader.load(name: "mono", directories: [Self.themesDir])
        #expect(file.styles == Theme.monochrome.styles)
    }

    @Test func parsesColoursAndAttributes() throws {
        let t = try Theme.parse("""
            # comment
            header = black #ff8800 bold   # trailing comment
            held = bold reverse
            dim = color244
            selection = brightblue -
            """, name: "t", file: "t.theme")
        #expect(t.style(.header) == Style(.ansi(0), .rgb(255, 136, 0), .bold))
        #expect(t.style(.held) == Style(.default, .default, [.bold, .reverse]))
        #expect(t.style(.dim) == Style(.indexed(244)))
        #expect(t.style(.selection) == Style(.ansi(12), .default))
        #expect(t.style(.ok) == t.style(.normal), "unlisted roles look like normal")
    }

    @Test(arguments: [
        ("ok = green\nheadr = red", "t.theme:2: error: unknown role 'headr' (did you mean 'header'?)"),
        ("ok = grene", "t.theme:1: error: 'grene' is neither a colour (red, brightblue, color208, #ff8800, default) nor an attribute (bold, dim, reverse, underline, italic)"),
        ("ok green", "t.theme:1: error: expected 'role = colour [background] [attributes]', found 'ok green'"),
        ("ok = red blue green", "t.theme:1: error: more than two colours in 'red blue green'"),
        ("ok = red\n\nok = blue", "t.theme:3: error: role 'ok' is defined twice"),
        ("ok =", "t.theme:1: error: role 'ok' has no colour or attribute"),
        ("ok = color256", "t.theme:1: error: 'color256' is neither a colour (red, brightblue, color208, #ff8800, default) nor an attribute (bold, dim, reverse, underline, italic)"),
    ])
    func errorsNameFileAndLine(_ text: String, _ message: String) {
        #expect(throws: ThemeError.self) { try Theme.parse(text, name: "t", file: "t.theme") }
        do { _ = try Theme.parse(text, name: "t", file: "t.theme") } catch { #expect(error.description == message) }
    }

    @Test func colourReduction() {
        #expect(TerminalColor.rgb(255, 0, 0).reduced(to: .ansi256) == .indexed(196))
        #expect(TerminalColor.rgb(128, 128, 128).reduced(to: .ansi256) == .indexed(244))
        #expect(TerminalColor.rgb(255, 0, 0).reduced(to: .ansi8) == .ansi(1))
        #expect(TerminalColor.indexed(21).reduced(to: .ansi8) == .ansi(4))
        #expect(TerminalColor.ansi(9).reduced(to: .ansi8) == .ansi(1))
        #expect(TerminalColor.rgb(1, 2, 3).reduced(to: .trueColor) == .rgb(1, 2, 3))
    }

    @Test func noColorMeansMono() {
        #expect(ThemeLoader.depth(environment: ["NO_COLOR": "1"], terminalColors: 256) == .mono)
        #expect(ThemeLoader.depth(environment: ["NO_COLOR": ""], terminalColors: 256) == .ansi256)
        #expect(ThemeLoader.depth(environment: [:], terminalColors: 8) == .ansi8)
        #expect(ThemeLoader.depth(environment: [:], terminalColors: 1 << 24) == .trueColor)
        #expect(ThemeLoader.depth(environment: [:], terminalColors: 0) == .mono)
        #expect(Theme(name: "x", styles: [.held: Style(.ansi(1))]).reduced(to: .mono) == .monochrome)
    }

    @Test func launcherFindsThemesAndFallsBack() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-theme-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        #expect(try ConsoleLauncher.theme(named: nil, executablePath: "/nonexistent/bin/sluice", currentDirectory: dir.path) == .monochrome)
        #expect(throws: ConsoleLauncher.LaunchError.self) {
            try ConsoleLauncher.theme(named: "dark", executablePath: "/nonexistent/bin/sluice", currentDirectory: dir.path)
        }
        let root = URL(fileURLWithPath: Self.themesDir).deletingLastPathComponent().path
        #expect(try ConsoleLauncher.theme(named: "dark", executablePath: "/nonexistent/bin/sluice", currentDirectory: root).name == "dark")
    }
}
