import Foundation
import Testing
import SluiceConfig
@testable import SluiceCore
@testable import SluiceAccounting

@Suite("record-fields: the columns of an accounting file")
struct RecordFieldsLayoutTests {
    let location = SourceLocation(file: "t.conf", line: 1, column: 1)

    func file(_ directory: URL, records: Set<AccountingRecordType>, fields: [(AccountingRecordType, [AccountingColumn])])
        -> AccountingFile {
        var file = AccountingFile(path: directory.appendingPathComponent("acct.csv").path, location: location)
        file.records = records
        file.recordFields = fields.map { AccountingRecordFields(type: $0.0, columns: $0.1, location: location) }
        return file
    }

    func record(_ outcome: DeliveryRecord.Outcome, _ recipient: String, headers: [String: String] = [:])
        -> AccountingRecord {
        var context = connectedContext
        context.headers = headers
        return AccountingRecord(deliveryRecord(outcome, recipient: recipient, status: outcome == .bounced ? "5.1.1" : nil,
                                               category: outcome == .bounced ? .badMailbox : nil),
                                context: context)
    }

    @Test("the header and the rows hold exactly the requested columns, in order; other types' columns stay empty")
    func requestedColumnsInOrder() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = AccountingFileWriter(file(dir, records: [.delivered, .bounced], fields: [
            (.delivered, [.field(.timeLogged), .field(.orig), .field(.rcpt), .field(.dsnStatus),
                          .header("X-Mailer-LID")]),
            (.bounced, [.field(.timeLogged), .field(.rcpt), .field(.bounceCat), .header("x-mailer-lid")]),
        ]))
        try writer.write(record(.delivered, "a@example.com", headers: ["x-mailer-lid": "lid 7, list 3"]),
                         now: novemberAfternoon)
        try writer.write(record(.bounced, "b@example.com", headers: ["x-mailer-lid": "9"]), now: novemberAfternoon)
        try writer.write(record(.delivered, "c@example.com"), now: novemberAfternoon)
        try writer.close(now: novemberAfternoon)
        #expect(try lines(dir.appendingPathComponent("acct.csv").path) == [
            "type,timeLogged,orig,rcpt,dsnStatus,header_X-Mailer-LID,bounceCat",
            "d,2026-11-23 15:04:05+0000,bounces@sender.example,a@example.com,2.0.0,\"lid 7, list 3\",",
            "b,2026-11-23 15:04:05+0000,,b@example.com,,9,bad-mailbox",
            "d,2026-11-23 15:04:05+0000,bounces@sender.example,c@example.com,2.0.0,,",
        ])
    }

    @Test("a type without a record-fields line keeps its own fields, after the configured columns")
    func typeWithoutALineKeepsItsFields() {
        let layout = AccountingLayout(file(URL(fileURLWithPath: "/tmp"), records: [.delivered, .transientQueue], fields: [
            (.delivered, [.field(.rcpt), .field(.vmta)]),
        ]))
        let tq = AccountingField.allCases.filter(AccountingField.fields(of: .transientQueue).contains)
            .filter { $0 != .type && $0 != .vmta }
        #expect(layout.columns.map(\.description) == ["type", "rcpt", "vmta"] + tq.map(\.rawValue))
        let row = layout.row(record(.delivered, "a@example.com"))
        #expect(row == "d,a@example.com,vmta1" + String(repeating: ",", count: tq.count) + "\r\n")
    }

    @Test("without record-fields the columns are the record types' own fields, as before")
    func defaultsUnchanged() {
        let layout = AccountingLayout(file(URL(fileURLWithPath: "/tmp"), records: [.delivered, .bounced], fields: []))
        #expect(layout.columns == AccountingField.columns(for: [.delivered, .bounced]).map(AccountingColumn.field))
        let d = record(.delivered, "a@example.com")
        #expect(layout.row(d) == AccountingCSV.row(d, columns: AccountingField.columns(for: [.delivered, .bounced])))
        #expect(layout.header == AccountingCSV.header(AccountingField.columns(for: [.delivered, .bounced])))
    }

    @Test("iso-times writes ISO 8601 times; world-readable decides the new file's mode whatever the umask")
    func isoTimesAndFileMode() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var iso = file(dir, records: [.delivered], fields: [(.delivered, [.field(.timeLogged), .field(.timeQueued)])])
        iso.isoTimes = true
        let writer = AccountingFileWriter(iso)
        try writer.write(record(.delivered, "a@example.com"), now: novemberAfternoon)
        try writer.close(now: novemberAfternoon)
        let path = dir.appendingPathComponent("acct.csv").path
        #expect(try lines(path) == ["type,timeLogged,timeQueued", "d,2026-11-23T15:04:05Z,2026-11-23T15:01:05Z"])
        #expect(try mode(path) == 0o640)

        let other = dir.appendingPathComponent("public")
        var open = file(other, records: [.delivered], fields: [])
        open.worldReadable = true
        let previous = umask(0o077)
        defer { umask(previous) }
        let publicWriter = AccountingFileWriter(open)
        try publicWriter.write(record(.delivered, "a@example.com"), now: novemberAfternoon)
        try publicWriter.close(now: novemberAfternoon)
        #expect(try mode(other.appendingPathComponent("acct.csv").path) == 0o644)
    }

    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return ((attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1) & 0o777
    }
}
