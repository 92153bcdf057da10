import Foundation
import Testing
import SluiceConfig

@Suite("include")
struct IncludeTests {
    private func write(_ text: String, _ path: String, in dir: URL) throws {
        let url = dir.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func globsRelativeToTheIncludingFileAreSplicedInOrder() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("<domain gmail.com>\n  max-smtp-out 7\n</domain>\n", "conf.d/10-gmail.conf", in: dir)
        // Relative to conf.d/, not to the main file.
        try write("include vmtas/*.conf\n", "conf.d/20-vmtas.conf", in: dir)
        try write("<virtual-mta v1>\n  smtp-source-host 127.0.0.10 a.example.com\n</virtual-mta>\n",
                  "conf.d/vmtas/v1.conf", in: dir)
        try write("max-smtp-out 1\n", "conf.d/ignored.txt", in: dir)
        let main = dir.appendingPathComponent("main.conf").path
        let result = ConfigLoader.load(text: "include conf.d/*.conf\ninclude nothing/*.conf\n", fileName: main)
        #expect(lines(result) == [])
        let settings = result.model.effectiveSettings(domain: "gmail.com", vmta: nil)
        let gmail = dir.appendingPathComponent("conf.d/10-gmail.conf").path
        #expect(settings.maxSmtpOut == Sourced(7, .config(SourceLocation(file: gmail, line: 2, column: 3))))
        #expect(result.model.virtualMTAs["v1"]?.sourceAddress == IPAddress("127.0.0.10"))
    }

    @Test func includeInsideABlockAddsToThatBlock() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("max-msg-rate 30/s\n", "gmail-throttles.conf", in: dir)
        try write("<domain gmail.com>\n  include gmail-throttles.conf\n</domain>\n", "main.conf", in: dir)
        let result = ConfigLoader.load(path: dir.appendingPathComponent("main.conf").path)
        #expect(lines(result) == [])
        #expect(result.model.effectiveSettings(domain: "gmail.com", vmta: nil).maxMsgRate.value
                == .limited(count: 30, per: .seconds(1)))
    }

    @Test func loopsAndMissingFilesAreErrorsAtTheInclude() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("host-name a\ninclude b.conf\n", "a.conf", in: dir)
        try write("\n  include a.conf\n", "b.conf", in: dir)
        let a = dir.appendingPathComponent("a.conf").path
        let b = dir.appendingPathComponent("b.conf").path
        let result = ConfigLoader.load(path: a)
        let canonicalA = URL(fileURLWithPath: a).resolvingSymlinksInPath().path
        let canonicalB = URL(fileURLWithPath: b).resolvingSymlinksInPath().path
        #expect(lines(result) == [
            "\(b):2:11: error: include loop: \(canonicalA) -> \(canonicalB) -> \(canonicalA)",
        ])
        #expect(result.model.hostName == "a")

        let missing = ConfigLoader.load(text: "\ninclude  nope.conf\n", fileName: a)
        #expect(lines(missing) == ["\(a):2:10: error: cannot read included file '\(dir.path)/nope.conf'"])
    }

    @Test func blocksMustCloseInTheirOwnFile() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("<domain a.com>\n", "open.conf", in: dir)
        let main = dir.appendingPathComponent("main.conf").path
        let result = ConfigLoader.load(text: "include open.conf\n</domain>\n", fileName: main)
        let open = dir.appendingPathComponent("open.conf").path
        #expect(lines(result) == [
            "\(main):2:1: error: '</domain>' closes no open block",
            "\(open):1:1: error: '<domain>' is not closed; expected '</domain>' before the end of \(open)",
        ])
    }

    @Test func missingMainFileIsOneError() {
        let result = ConfigLoader.load(path: "/nonexistent/sluice.conf")
        #expect(lines(result) == ["/nonexistent/sluice.conf:1:1: error: cannot read configuration file '/nonexistent/sluice.conf'"])
    }
}
