import SluiceBase
import Testing
@testable import SluiceSuppression

@Suite struct SuppressionCSVTests {
    let now = Instant(milliseconds: 1_764_930_672_000)  // 2025-12-05T10:31:12Z

    @Test("export then import gives the same entries, quoting commas, quotes and line breaks as RFC 4180 does")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SuppressionStore(path: directory.database)
        let entries = [entry("plain@example.com"),
                       entry("\"odd,local\"@example.com", .senderDomain("shop.example"), reason: "complaint:abuse",
                             source: "f 2026-12-05T10:11:12Z \"quoted\", with comma"),
                       entry("multi@example.com", .job("job,1"), reason: "manual", source: "line one\r\nline two")]
        try store.add(entries)
        var lines: [String] = []
        #expect(try store.exportCSV { lines.append($0) } == 3)
        #expect(lines[0] == "address,scope,reason,source,time")
        #expect(lines[1] == "plain@example.com,global,bad-mailbox,test,2025-12-05T10:31:12Z")
        #expect(lines[2] == "\"\"\"odd,local\"\"@example.com\",sender-domain:shop.example,complaint:abuse,"
                           + "\"f 2026-12-05T10:11:12Z \"\"quoted\"\", with comma\",2025-12-05T10:31:12Z")
        #expect(lines[3] == "multi@example.com,\"job:job,1\",manual,\"line one\r\nline two\",2025-12-05T10:31:12Z")

        let copy = try SuppressionStore(path: directory.path + "/copy.sqlite")
        let report = try copy.importCSV(Array(lines.joined(separator: "\r\n").utf8), name: "list.csv", now: now)
        #expect(report == SuppressionImportReport(imported: 3, badLines: []))
        for original in entries {
            #expect(try copy.entries(for: original.address) == [original])
        }
    }

    @Test("a bad record is reported with the line it starts on and skipped; the others are imported")
    func badLines() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SuppressionStore(path: directory.database)
        let text = """
            address,reason,scope
            ok1@example.com,manual,
            not-an-address,manual,global
            "multi
            line@example.com",manual,global
            ok2@example.com,manual,everywhere
            bad"quote@example.com,manual,global

            ok3@example.com,"unclosed,global
            """
        let report = try store.importCSV(Array(text.utf8), name: "in.csv", now: now)
        #expect(report.imported == 1)
        #expect(report.badLines.map(\.description) == [
            "line 3: 'not-an-address' is not an address",
            "line 4: 'multi\nline@example.com' is not an address",
            "line 6: unknown scope 'everywhere' (global, sender-domain:DOMAIN or job:ID)",
            "line 7: a double quote inside a field that does not start with one",
            "line 9: a double-quoted field is not closed before the end of the file",
        ])
        #expect(try store.entries(for: "ok1@example.com")
                == [SuppressionEntry(address: "ok1@example.com", reason: "manual", source: "import in.csv:2", time: now)])
    }

    @Test("without a header the columns are positional; missing ones take their defaults; bad times are bad lines")
    func headerlessAndDefaults() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SuppressionStore(path: directory.database)
        let text = "a@example.com\nb@example.com,job:7,complaint:abuse,fbl,2026-02-28T23:59:59Z\n"
            + "c@example.com,global,x,y,2026-02-30T00:00:00Z\nd@example.com,global,x,y,z,extra\n"
        let report = try store.importCSV(Array(text.utf8), name: "plain.csv", now: now)
        #expect(report.imported == 2)
        #expect(report.badLines.map(\.line) == [3, 4])
        #expect(try store.entries(for: "a@example.com")
                == [SuppressionEntry(address: "a@example.com", reason: "import", source: "import plain.csv:1", time: now)])
        let b = try #require(try store.entries(for: "b@example.com").first)
        #expect(b.scope == .job("7"))
        #expect(CivilTime(b.time).isoText == "2026-02-28T23:59:59Z")
    }

    @Test("ISO times: only whole-second UTC times of real dates")
    func isoTimes() {
        #expect(SuppressionCSV.instant(iso: "1970-01-01T00:00:01Z") == Instant(milliseconds: 1000))
        #expect(SuppressionCSV.instant(iso: "2024-02-29T12:00:00Z") != nil)
        for bad in ["2023-02-29T12:00:00Z", "2026-13-01T00:00:00Z", "2026-12-05 10:11:12Z", "2026-12-05T10:11:12+01:00", ""] {
            #expect(SuppressionCSV.instant(iso: bad) == nil, "\(bad)")
        }
    }
}
