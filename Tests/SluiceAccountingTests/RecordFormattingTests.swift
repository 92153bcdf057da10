import Foundation
import Testing
import SluiceConfig
@testable import SluiceCore
@testable import SluiceAccounting

@Suite("Accounting records and CSV formatting")
struct RecordFormattingTests {
    @Test func timesPrintInPowerMTAFormatInUTC() {
        #expect(CivilTime(novemberAfternoon).accountingText == "2026-11-23 15:04:05+0000")
        #expect(CivilTime(.zero).accountingText == "1970-01-01 00:00:00+0000")
        #expect(CivilTime(Instant(milliseconds: -1)).accountingText == "1969-12-31 23:59:59+0000")
        #expect(CivilTime(Instant(milliseconds: 951_782_400_000)).accountingText == "2000-02-29 00:00:00+0000")
        #expect(CivilTime(novemberAfternoon).rfc5322Text == "Mon, 23 Nov 2026 15:04:05 +0000")
        #expect(CivilTime.instant(year: 2026, month: 11, day: 23, hour: 15, minute: 4)
                == Instant(milliseconds: 1_795_446_240_000))
    }

    @Test func quotingFollowsRFC4180() {
        #expect(AccountingCSV.quote("plain text") == "plain text")
        #expect(AccountingCSV.quote("a,b") == "\"a,b\"")
        #expect(AccountingCSV.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(AccountingCSV.quote("line1\r\nline2") == "\"line1\r\nline2\"")
        #expect(AccountingCSV.quote("bare\nlf") == "\"bare\nlf\"")
        #expect(AccountingCSV.row(["a", "", "b,c"]) == "a,,\"b,c\"\r\n")
    }

    @Test func deliveredRecordCarriesContextAndRelayedAction() throws {
        let record = AccountingRecord(deliveryRecord(.delivered, status: "2.0.0"), context: connectedContext)
        let columns = AccountingField.columns(for: [.delivered])
        #expect(columns.first == .type)
        #expect(!columns.contains(.feedbackType))
        let row = AccountingCSV.row(record, columns: columns)
        let parsed = try parseCSV(AccountingCSV.header(columns) + row)
        let values = Dictionary(uniqueKeysWithValues: zip(parsed[0], parsed[1]))
        #expect(values.count == columns.count)
        #expect(values["type"] == "d")
        #expect(values["timeLogged"] == "2026-11-23 15:04:05+0000")
        #expect(values["timeQueued"] == "2026-11-23 15:01:05+0000")
        #expect(values["orig"] == "bounces@sender.example")
        #expect(values["rcpt"] == "user@example.com")
        #expect(values["dsnAction"] == "relayed")
        #expect(values["dsnStatus"] == "2.0.0")
        #expect(values["dsnDiag"] == "250 2.0.0 OK")
        #expect(values["dsnMta"] == "mx.example.com")
        #expect(values["bounceCat"] == "")
        #expect(values["dlvType"] == "smtp")
        #expect(values["dlvSourceIp"] == "127.0.0.10")
        #expect(values["dlvDestinationIp"] == "127.0.0.53")
        #expect(values["dlvEsmtpAvailable"] == "PIPELINING,8BITMIME,SIZE")
        #expect(values["dlvSize"] == "2048")
        #expect(values["vmta"] == "vmta1")
        #expect(values["jobId"] == "job-7")
        #expect(values["queue"] == "example.com/vmta1")
        #expect(values["vmtaPool"] == "pool-a")
        #expect(values["msgId"] == "000000000000beef")
        #expect(values["node"] == "mta1.sender.example")
        #expect(row.contains(",\"PIPELINING,8BITMIME,SIZE\","))
    }

    @Test func outcomesMapToPowerMTATypesActionsAndDefaultStatuses() {
        let cases: [(DeliveryRecord.Outcome, AccountingRecordType, DSNAction, String)] = [
            (.delivered, .delivered, .relayed, "2.0.0"), (.deferred, .transient, .delayed, "4.0.0"),
            (.bounced, .bounced, .failed, "5.0.0"), (.expired, .bounced, .failed, "5.4.7"),
            (.deleted, .bounced, .failed, "5.0.0"),
        ]
        for (outcome, type, action, status) in cases {
            let record = AccountingRecord(deliveryRecord(outcome), context: DeliveryContext())
            #expect(record.type == type, "\(outcome)")
            #expect(record.dsnAction == action, "\(outcome)")
            #expect(record.dsnStatus == status, "\(outcome)")
            #expect(record.dlvType == nil, "no connection, no delivery type")
        }
        #expect(AccountingRecord(deliveryRecord(.expired), context: DeliveryContext()).bounceCat == .messageExpired)
        let bounced = AccountingRecord(deliveryRecord(.bounced, status: "5.1.1", category: .badMailbox), context: DeliveryContext())
        #expect(bounced.dsnStatus == "5.1.1")
        #expect(bounced.bounceCat == .badMailbox)
    }

    @Test func hostileDiagnosticIsQuotedAndRoundTrips() throws {
        let diag = "550 5.7.1 \"Blocked\", see https://x.example/a,b\r\nsecond line"
        let record = AccountingRecord(deliveryRecord(.bounced, diagnostic: diag, status: "5.7.1", category: .policyRelated),
                                      context: DeliveryContext())
        let columns = AccountingField.columns(for: [.bounced])
        let row = AccountingCSV.row(record, columns: columns)
        #expect(row.contains("\"550 5.7.1 \"\"Blocked\"\", see https://x.example/a,b\r\nsecond line\""))
        let parsed = try parseCSV(AccountingCSV.header(columns) + row)
        #expect(parsed.count == 2)
        let index = try #require(parsed[0].firstIndex(of: "dsnDiag"))
        #expect(parsed[1][index] == diag)
        #expect(parsed[1][parsed[0].firstIndex(of: "bounceCat") ?? 0] == "policy-related")
    }

    @Test func unicodeRecipientIsWrittenAsUTF8() throws {
        let record = AccountingRecord(deliveryRecord(.delivered, recipient: "jörg@bücher.example"), context: DeliveryContext())
        let columns = AccountingField.columns(for: [.delivered])
        let parsed = try parseCSV(AccountingCSV.header(columns) + AccountingCSV.row(record, columns: columns))
        #expect(parsed[1][4] == "jörg@bücher.example")
        #expect(parsed[1][parsed[0].firstIndex(of: "queue") ?? 0] == "bücher.example/vmta1")
    }

    @Test func columnsAreTheUnionOfTheFilteredTypesInPowerMTAOrder() {
        let db = AccountingField.columns(for: [.delivered, .bounced]).map(\.rawValue)
        #expect(db.prefix(11) == ["type", "timeLogged", "timeQueued", "orig", "rcpt", "orcpt", "dsnAction",
                                  "dsnStatus", "dsnDiag", "dsnMta", "bounceCat"])
        #expect(db.suffix(2) == ["msgId", "node"])
        let f = AccountingField.columns(for: [.feedback]).map(\.rawValue)
        #expect(f == ["type", "timeLogged", "orig", "rcpt", "vmta", "jobId", "feedbackType", "userAgent",
                      "reportingMta", "msgId", "node"])
        let all = AccountingField.columns(for: Set(AccountingRecordType.allCases))
        #expect(all == AccountingField.allCases)
    }

    @Test func otherTypesLeaveForeignColumnsEmpty() {
        let columns = AccountingField.columns(for: [.delivered, .feedback])
        let feedback = AccountingRecord(type: .feedback, timeLogged: novemberAfternoon, orig: "a@b.example",
                                        rcpt: "c@d.example", dsnDiag: "not an f field", feedbackType: "abuse",
                                        userAgent: "Yahoo!-Mail-Feedback/1.0")
        let row = AccountingCSV.row(feedback, columns: columns)
        #expect(!row.contains("not an f field"))
        #expect(row.hasPrefix("f,2026-11-23 15:04:05+0000,,a@b.example,c@d.example,"))
        #expect(row.contains(",abuse,Yahoo!-Mail-Feedback/1.0,"))
    }

    @Test func receivedRecordComesFromTheMessage() {
        let message = Message(id: MessageID(42), sender: "", recipients: ["x@y.example"], size: 512, jobID: nil,
                              vmta: "vmta2", receivedAt: novemberAfternoon)
        let record = AccountingRecord.received(time: novemberAfternoon, message: message, recipient: "x@y.example",
                                               context: DeliveryContext(node: "n1", sourceType: .smtp, sourceMTA: "client.example"))
        let columns = AccountingField.columns(for: [.received])
        #expect(AccountingCSV.row(record, columns: columns)
                == "r,2026-11-23 15:04:05+0000,2026-11-23 15:04:05+0000,,x@y.example,,smtp,client.example,512,vmta2,,,,000000000000002a,n1\r\n")
        #expect(columns.map(\.rawValue) == ["type", "timeLogged", "timeQueued", "orig", "rcpt", "orcpt", "srcType",
                                            "srcMta", "dlvSize", "vmta", "jobId", "envId", "vmtaPool", "msgId", "node"])
    }
}

/// A small RFC 4180 reader, independent of the writer, for round-trip checks.
func parseCSV(_ text: String) throws -> [[String]] {
    struct Malformed: Error {}
    var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
        if quoted {
            if c == "\"" {
                if chars.first == "\"" { chars.removeFirst(); field.unicodeScalars.append("\"") } else { quoted = false }
            } else { field.unicodeScalars.append(c) }
        } else if c == "\"" {
            guard field.isEmpty else { throw Malformed() }
            quoted = true
        } else if c == "," {
            row.append(field); field = ""
        } else if c == "\r" {
            guard chars.popFirst() == "\n" else { throw Malformed() }
            row.append(field); rows.append(row); row = []; field = ""
        } else { field.unicodeScalars.append(c) }
    }
    guard !quoted, field.isEmpty, row.isEmpty else { throw Malformed() }
    return rows
}
