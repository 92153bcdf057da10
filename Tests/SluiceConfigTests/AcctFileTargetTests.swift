import Testing
@testable import SluiceConfig

@Suite("<acct-file> targets and record types")
struct AcctFileTargetTests {
    @Test("<acct-file |/program args…> is a pipe: the program and its arguments, quotes as elsewhere")
    func pipeWithArguments() throws {
        let result = load("""
        <acct-file |/usr/local/bin/acct-reader --db "acct main"\t-v>
            records d,b
        </acct-file>
        <acct-file | /usr/bin/tee -a /var/log/acct-copy.csv>
        </acct-file>
        <acct-file /var/log/sluice/acct.csv>
        </acct-file>
        """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let files = result.model.acctFiles
        try #require(files.count == 3)
        #expect(files[0].target == .pipe(program: "/usr/local/bin/acct-reader", arguments: ["--db", "acct main", "-v"]))
        #expect(files[0].isPipe)
        #expect(files[0].path == "|/usr/local/bin/acct-reader --db acct main -v")
        #expect(files[0].records == [.delivered, .bounced])
        #expect(files[1].target == .pipe(program: "/usr/bin/tee", arguments: ["-a", "/var/log/acct-copy.csv"]))
        #expect(files[2].target == .file("/var/log/sluice/acct.csv"))
        #expect(files[2].path == "/var/log/sluice/acct.csv")
        #expect(!files[2].isPipe)
    }

    @Test("a pipe's program must be an absolute path; '|' alone needs a program")
    func relativeProgramIsAnError() {
        let relative = load("<acct-file |acct-reader --db acct>\n</acct-file>\n")
        #expect(lines(relative) == [
            "t.conf:1:13: error: the program of a pipe <acct-file> must be an absolute path, found 'acct-reader'; "
                + "e.g. <acct-file |/usr/local/bin/acct-reader> (no shell and no PATH search)",
        ])
        #expect(relative.model.acctFiles.isEmpty)

        let spaced = load("<acct-file | bin/reader>\n</acct-file>\n")
        #expect(spaced.diagnostics.map(\.location.column) == [14])
        #expect(spaced.hasErrors)

        let bare = load("<acct-file |>\n</acct-file>\n")
        #expect(lines(bare) == [
            "t.conf:1:12: error: expected a program after '|', e.g. <acct-file |/usr/local/bin/acct-reader --db acct>",
        ])
    }

    @Test("a file path is one word; a second one is an error that points at the pipe form")
    func twoWordsWithoutPipe() {
        let result = load("<acct-file /var/log/acct.csv extra>\n</acct-file>\n")
        #expect(lines(result).count == 1)
        #expect(lines(result).first?.hasPrefix("t.conf:1:30: error: '<acct-file>' takes one path") == true)
        #expect(lines(result).first?.contains("<acct-file |/usr/local/bin/") == true)
        #expect(result.model.acctFiles.isEmpty)
    }

    @Test("rotation directives in a pipe <acct-file> are warnings (no effect); bad values stay errors")
    func rotationDirectivesOnAPipe() {
        let result = load("""
        <acct-file |/usr/bin/tee -a /tmp/acct.csv>
            records d
            max-size 1G
            move-interval 1h
            move-to /var/log/old
            delete-after 7d
        </acct-file>
        """, strict: true)
        #expect(!result.hasErrors, "\(lines(result))")
        #expect(lines(result) == ["max-size", "move-interval", "move-to", "delete-after"].enumerated().map { n, name in
            "t.conf:\(n + 3):5: warning: '\(name)' has no effect on a pipe <acct-file>: records go to the program, "
                + "which owns whatever it writes; remove it"
        })
        let bad = load("<acct-file |/usr/bin/cat>\n    max-size lots\n</acct-file>\n")
        #expect(bad.diagnostics.map(\.severity) == [.warning, .error], "\(lines(bad))")
    }

    @Test("records rb and rs (remote bounce, remote status), also by their long names")
    func remoteRecordTypes() throws {
        let result = load("""
        <acct-file /var/log/remote.csv>
            records rb,rs
        </acct-file>
        <acct-file /var/log/all.csv>
            records d,b,t,tq,f,r,remote-bounce,remote-status
        </acct-file>
        """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        try #require(result.model.acctFiles.count == 2)
        #expect(result.model.acctFiles[0].records == [.remoteBounce, .remoteStatus])
        #expect(result.model.acctFiles[1].records == Set(AccountingRecordType.allCases))
        #expect(AccountingRecordType.allCases.sorted().map(\.rawValue) == ["d", "b", "t", "tq", "f", "r", "rb", "rs"])

        let bad = load("<acct-file /var/log/a.csv>\n    records d,rx\n</acct-file>\n")
        #expect(lines(bad).first?.contains("d,b,t,tq,f,r,rb,rs") == true, "\(lines(bad))")
    }
}
