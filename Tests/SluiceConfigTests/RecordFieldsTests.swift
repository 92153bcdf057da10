import Testing
@testable import SluiceConfig

@Suite("<acct-file> record-fields, world-readable, iso-times")
struct RecordFieldsTests {
    @Test("record-fields d *,!dsnMta: every field of the type but those named with !")
    func exclusions() throws {
        let result = load("<acct-file /tmp/a.csv>\n    records d\n    record-fields d *,!dsnMta,!dlvEsmtpAvailable,header_Message-Id\n</acct-file>\n")
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let columns = try #require(result.model.acctFiles.first?.recordFields.first?.columns.map(\.description))
        let all = AccountingField.allCases.filter(AccountingField.fields(of: .delivered).contains).filter { $0 != .type }.map(\.rawValue)
        #expect(columns == all.filter { $0 != "dsnMta" && $0 != "dlvEsmtpAvailable" } + ["header_Message-Id"])
        #expect(all.contains("dsnMta"))
    }

    @Test("record-fields lines give each record type its columns in order; * is every field of the type")
    func recordFieldsParsed() throws {
        let result = load("""
        <acct-file /var/log/sluice/acct.csv>
            records d, b, r
            record-fields d timeLogged,orig,rcpt,dsnStatus,header_X-Mailer-LID
            record-fields bounce type,timelogged, rcpt, bounceCat , header_x-mailer-lid
            record-fields r *,header_Subject
            world-readable yes
            iso-times yes
        </acct-file>
        """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let file = try #require(result.model.acctFiles.first)
        #expect(file.recordFields.map(\.type) == [.delivered, .bounced, .received])
        #expect(file.recordFields[0].columns.map(\.description)
                == ["timeLogged", "orig", "rcpt", "dsnStatus", "header_X-Mailer-LID"])
        // `type` is always first and never repeated; field names are matched in any case.
        #expect(file.recordFields[1].columns.map(\.description)
                == ["timeLogged", "rcpt", "bounceCat", "header_x-mailer-lid"])
        let receivedFields = AccountingField.allCases.filter(AccountingField.fields(of: .received).contains)
            .filter { $0 != .type }.map(\.rawValue)
        #expect(file.recordFields[2].columns.map(\.description) == receivedFields + ["header_Subject"])
        #expect(file.recordFields[0].location.line == 3)
        #expect(file.headerNames == ["x-mailer-lid", "subject"])
        #expect(file.worldReadable)
        #expect(file.isoTimes)

        let defaults = try #require(load("<acct-file /tmp/a.csv>\n</acct-file>\n").model.acctFiles.first)
        #expect(!defaults.worldReadable)
        #expect(!defaults.isoTimes)
        #expect(defaults.recordFields.isEmpty)
    }

    @Test("an unknown field is an error at the field, with the nearest name; a bad type or header too")
    func unknownFieldIsAnError() {
        let result = load("""
        <acct-file /tmp/acct.csv>
            record-fields d timeLogged,dsnStatuss,orig
            record-fields x orig
            record-fields b header_
            record-fields t
            record-fields tq frobnicate
        </acct-file>
        """)
        #expect(lines(result) == [
            "t.conf:2:32: error: unknown accounting field 'dsnStatuss' in record-fields; did you mean 'dsnStatus'?",
            "t.conf:3:19: error: invalid record type in 'record-fields': expected record types such as "
                + "d,b,t,tq,f,r,rb,rs (or delivered, bounces, feedback, remote-bounce), found 'x'",
            "t.conf:4:21: error: expected a header name after 'header_', e.g. header_X-Mailer-LID, found 'header_'",
            "t.conf:5:19: error: 'record-fields' takes a record type and its fields, e.g. record-fields d "
                + "timeLogged,orig,rcpt,dsnStatus or record-fields b *,header_X-Mailer-LID",
            "t.conf:6:22: error: unknown accounting field 'frobnicate' in record-fields; fields are PowerMTA's "
                + "(timeLogged, orig, rcpt, dsnStatus, …), * for all of them, or header_NAME for a message header",
        ])
        #expect(result.model.acctFiles.first?.recordFields.isEmpty == true)
    }

    @Test("warnings: a field the type lacks, a type the file does not take, a second line, file-only directives on a pipe")
    func recordFieldsWarnings() throws {
        let result = load("""
        <acct-file /tmp/acct.csv>
            records d
            record-fields d orig,feedbackType
            record-fields b orig
            record-fields d rcpt
        </acct-file>
        <acct-file |/usr/bin/cat>
            world-readable yes
            iso-times yes
        </acct-file>
        """)
        #expect(lines(result) == [
            "t.conf:3:26: warning: 'feedbackType' is not a field of d records; its column stays empty in their rows",
            "t.conf:4:5: note: record-fields for 'b' records has no effect: this <acct-file> does not take them; "
                + "add b to its records line",
            "t.conf:5:5: warning: a second record-fields line for 'd' records replaces the one at t.conf:3:5; "
                + "keep one line per record type",
            "t.conf:8:5: warning: 'world-readable' has no effect on a pipe <acct-file>: records go to the program, "
                + "which owns whatever it writes; remove it",
        ])
        let file = try #require(result.model.acctFiles.first)
        #expect(file.recordFields.map(\.type) == [.bounced, .delivered])
        #expect(file.recordFields[1].columns == [.field(.rcpt)])
        #expect(file.headerNames.isEmpty)
        #expect(result.model.acctFiles.last?.isoTimes == true)
    }
}
