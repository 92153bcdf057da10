import Foundation
import Testing
@testable import SluiceConfig

/// A file written with Windows (CRLF), classic Mac OS (CR) or mixed line ends means exactly what
/// its LF copy means, and reports its mistakes at the same LINE:COL.
@Suite("Line ends")
struct LineEndTests {
    /// The line ends a copy of a file is written with.
    enum LineEnds: String, CaseIterable, Sendable {
        case crlf, cr, mixed

        /// The ends used in turn, line after line. The mixed cycle never puts a lone CR right
        /// before an LF (that pair is one CRLF), so every copy keeps the LF copy's line count.
        var cycle: [String] {
            switch self {
            case .crlf: return ["\r\n"]
            case .cr: return ["\r"]
            case .mixed: return ["\r", "\r\n", "\n"]
            }
        }

        /// `text` (LF line ends) with each LF replaced by the next end of ``cycle``.
        func apply(to text: String) -> String {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            var result = ""
            for (index, line) in lines.enumerated() {
                if index > 0 { result += cycle[(index - 1) % cycle.count] }
                result += line
            }
            return result
        }
    }

    private static let examplePath = repositoryRoot.appendingPathComponent("examples/sluice.conf")

    /// Loads the LF `text`, then its copy with `ends`, from the same path (so origins compare
    /// equal), strict like ``ExampleConfigTests``.
    private func loadBoth(_ text: String, _ ends: LineEnds) throws
        -> (lf: ConfigLoadResult, copy: ConfigLoadResult, path: String) {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("sluice.conf")
        try Data(text.utf8).write(to: file)
        let lf = ConfigLoader.load(path: file.path, strict: true)
        let copy = ends.apply(to: text)
        #expect(copy.utf8.contains(0x0D) && lineCount(copy) == lineCount(text))
        try Data(copy.utf8).write(to: file)
        return (lf, ConfigLoader.load(path: file.path, strict: true), file.path)
    }

    /// Every queue's effective settings as `sluice show settings` lists them: name, value and
    /// origin (FILE:LINE), for each domain the example configures (and one it does not) on its
    /// own and through each vmta.
    private func settingsView(_ model: ConfigModel) -> [String] {
        let domains = ["gmail.com", "yahoo.com", "ymail.com", "aol.com", "outlook.com", "mx.example.net", "other.org"]
        let vmtas: [String?] = [nil] + model.virtualMTAs.keys.sorted()
        return domains.flatMap { domain in
            vmtas.flatMap { vmta in
                model.effectiveSettings(domain: domain, vmta: vmta).entries.map { entry in
                    "\(domain)/\(vmta ?? "-") \(entry.name) = \(entry.value) [\(entry.origin)]"
                }
            }
        }
    }

    @Test(arguments: LineEnds.allCases)
    func exampleConfigMeansTheSameWithEveryLineEnd(_ ends: LineEnds) throws {
        let text = try String(contentsOf: Self.examplePath, encoding: .utf8)
        let (lf, copy, path) = try loadBoth(text, ends)
        #expect(lines(copy) == lines(lf))
        #expect(lines(copy) == [])
        #expect(copy.model == lf.model)
        #expect(settingsView(copy.model) == settingsView(lf.model))

        // Not equal by both being empty: the copy has the example's settings, from the same lines.
        let m = copy.model
        #expect(m != ConfigModel())
        #expect(m.hostName == "mta.example.com")
        #expect(m.virtualMTAs.keys.sorted() == ["vmta1", "vmta2", "vmta3"])
        #expect(m.pools["warm-pool"]?.members == ["vmta1", "vmta2", "vmta3"])
        let lfLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let warmup = try #require(lfLines.firstIndex { $0.contains("max-msg-rate 10/s") }) + 1
        let rate = m.effectiveSettings(domain: "gmail.com", vmta: "vmta2").maxMsgRate
        #expect(rate.value.description == "10/s")
        #expect(rate.origin == .config(SourceLocation(file: path, line: warmup, column: 9)))
        #expect(m.effectiveSettings(domain: "outlook.com", vmta: nil).maxMsgRate.value.description == "20/s")
        #expect(m.effectiveSettings(domain: "aol.com", vmta: nil).backoffMaxMsgRate.value.description == "83/10m")
        #expect(settingsView(m).filter { !$0.hasSuffix("[default]") }.count > 100)
    }

    @Test(arguments: LineEnds.allCases)
    func mistakesAreReportedAtTheSameLineAndColumn(_ ends: LineEnds) throws {
        var text = try String(contentsOf: Self.examplePath, encoding: .utf8)
        for (good, bad) in [("max-msg-rate 10/s", "max-msg-rate 10/fortnight"),
                            ("use-starttls no", "use-starttls \"maybe"),
                            ("<domain outlook.com>", "<domain outlook.com> x"),
                            ("    max-size 100M", "    max-size 100Q"),
                            ("</acct-file>", "")] {
            #expect(text.contains(good))
            text = text.replacingOccurrences(of: good, with: bad)
        }
        let (lf, copy, _) = try loadBoth(text, ends)
        #expect(lines(copy) == lines(lf))
        // Each mistake is found, on its own line of the LF copy (the quote gives two errors).
        let lfLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let markers = ["10/fortnight", "outlook.com> x", "\"maybe", "\"maybe", "<acct-file", "100Q"]
        #expect(lf.diagnostics.map { Optional($0.location.line) }
                == markers.map { marker in lfLines.firstIndex { $0.contains(marker) }.map { $0 + 1 } })
        #expect(copy.model == lf.model)
    }

    /// The report: a file starting with a comment was read as one comment line, so every
    /// setting silently fell back to its default.
    @Test(arguments: LineEnds.allCases)
    func fileStartingWithACommentKeepsItsSettingsAndPositions(_ ends: LineEnds) {
        let text = "# a comment first\n<domain gmail.com>\n    max-smtp-out zero\n\n  <bogus>\n</domain>\nhost-name a\n"
        let lf = load(text)
        let copy = load(ends.apply(to: text))
        #expect(lines(copy) == lines(lf))
        #expect(lines(copy).first?.hasPrefix("t.conf:3:18: error: invalid value for 'max-smtp-out'") == true)
        #expect(copy.model.hostName == "a")
    }

    /// A UTF-8 byte-order mark, as some Windows editors write, is not glued to the first word.
    @Test func byteOrderMarkIsNotPartOfTheFirstDirective() {
        let text = "host-name a\r\n<domain gmail.com>\r\n    max-smtp-out zero\r\n</domain>\r\n"
        let marked = load("\u{FEFF}" + text)
        #expect(marked.model.hostName == "a")
        #expect(lines(marked) == lines(load(text)))
        #expect(lines(marked).first?.hasPrefix("t.conf:3:18: error") == true)
    }

    @Test func includedFilesWithOtherLineEndsAreReadAlike() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let confD = dir.appendingPathComponent("conf.d")
        try FileManager.default.createDirectory(at: confD, withIntermediateDirectories: true)
        try Data("# Gmail\r\n\r\n<domain gmail.com>\r\n  max-smtp-out 3\r\n</domain>\r\n".utf8)
            .write(to: confD.appendingPathComponent("10-gmail.conf"))
        try Data("# Yahoo\r<domain yahoo.com>\r    max-msg-rate 40/s\r</domain>\r".utf8)
            .write(to: confD.appendingPathComponent("20-yahoo.conf"))
        let main = dir.appendingPathComponent("main.conf")
        try Data("# main\r\nhost-name a\r\ninclude conf.d/*.conf\r\n".utf8).write(to: main)
        let result = ConfigLoader.load(path: main.path, strict: true)
        #expect(lines(result) == [])
        #expect(result.model.hostName == "a")
        let gmail = confD.appendingPathComponent("10-gmail.conf").path
        #expect(result.model.effectiveSettings(domain: "gmail.com", vmta: nil).maxSmtpOut
                == Sourced(3, .config(SourceLocation(file: gmail, line: 4, column: 3))))
        let yahoo = confD.appendingPathComponent("20-yahoo.conf").path
        #expect(result.model.effectiveSettings(domain: "yahoo.com", vmta: nil).maxMsgRate
                == Sourced(.limited(count: 40, per: .seconds(1)),
                           .config(SourceLocation(file: yahoo, line: 3, column: 5))))
    }

    @Test func controlCharactersAreEscapedInTheSwiftLiteralStyle() {
        #expect("a\rb\nc\td".escapingControlCharacters == #"a\rb\nc"# + "\td")
        #expect("\u{1B}[2J\u{0}\u{7}\u{7F}\u{85}\u{9B}".escapingControlCharacters
                == #"\u{1B}[2J\u{0}\u{7}\u{7F}\u{85}\u{9B}"#)
        #expect("é🙂\u{A0}\\u".escapingControlCharacters == "é🙂\u{A0}\\u")
    }

    @Test func controlCharactersFromTheFileArePrintedEscaped() {
        // ESC and C1 sequences in a value; the CR ends line 2, so `bounce-after` is on line 3.
        let result = load("<domain *>\n    max-smtp-out 5\u{1B}[2J\u{9B}0m\u{7F}\r"
                          + "    bounce-after \u{1B}]0;owned\u{7}\n</domain>\n")
        #expect(result.diagnostics.count == 2)
        #expect(result.diagnostics.allSatisfy { !containsControlCharacters($0.description) })
        #expect(result.diagnostics.first?.description.hasPrefix("t.conf:2:18: error: ") == true)
        #expect(result.diagnostics.first?.description.hasSuffix(#"found '5\u{1B}[2J\u{9B}0m\u{7F}'"#) == true)
        #expect(result.diagnostics.last?.description.hasPrefix("t.conf:3:18: error: ") == true)
        #expect(result.diagnostics.last?.description.hasSuffix(#"found '\u{1B}]0;owned\u{7}'"#) == true)
        // The message itself keeps the text verbatim.
        #expect(result.diagnostics.first?.message.hasSuffix("found '5\u{1B}[2J\u{9B}0m\u{7F}'") == true)
    }

    @Test func controlCharactersInIncludedFileNamesArePrintedEscaped() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let hostile = "x\u{1B}[2J\r\n.conf"
        // A directory the glob matches (cannot be read) and a file with a mistake, both so named.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("a/" + hostile),
                                                withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("b"), withIntermediateDirectories: true)
        try Data("max-smtp-out 1\n".utf8).write(to: dir.appendingPathComponent("b/" + hostile))
        let main = dir.appendingPathComponent("main.conf").path
        let result = ConfigLoader.load(text: "include a/*.conf\ninclude b/*.conf\n", fileName: main)
        let printed = lines(result)
        #expect(printed.count == 2)
        #expect(!printed.contains(where: containsControlCharacters))
        #expect(printed.first
                == #"\#(main):1:9: error: cannot read included file '\#(dir.path)/a/x\u{1B}[2J\r\n.conf'"#)
        #expect(printed.last?.hasPrefix(#"\#(dir.path)/b/x\u{1B}[2J\r\n.conf:1:1: warning: "#) == true)
        let origin = Origin.config(SourceLocation(file: dir.path + "/b/" + hostile, line: 1, column: 1))
        #expect(origin.description == #"\#(dir.path)/b/x\u{1B}[2J\r\n.conf:1"#)
    }
}
