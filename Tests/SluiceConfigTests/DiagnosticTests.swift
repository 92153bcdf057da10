import Testing
import SluiceConfig

/// Each class of mistake is reported at its exact line and column, and all of them are reported.
@Suite("Diagnostics")
struct DiagnosticTests {
    @Test func misspelledDirectiveIsAWarningWithASuggestion() {
        let text = "<domain gmail.com>\n    max-smtp-outt 5\n</domain>\n"
        let result = load(text)
        #expect(lines(result) == [
            "t.conf:2:5: warning: unknown directive 'max-smtp-outt' in <domain>; did you mean 'max-smtp-out'?",
        ])
        #expect(!result.hasErrors)
        let strict = load(text, strict: true)
        #expect(lines(strict) == [
            "t.conf:2:5: error: unknown directive 'max-smtp-outt' in <domain>; did you mean 'max-smtp-out'?",
        ])
        #expect(strict.hasErrors)
    }

    @Test func misspelledDirectivesInOtherBlocksAndAtTheTop() {
        let result = load("""
            host-nme mta.example.com
            max-smtp-out 4
            <acct-file /tmp/a.csv>
              record bounces,feedback
            </acct-file>
            """)
        #expect(lines(result) == [
            "t.conf:1:1: warning: unknown directive 'host-nme' at the top level; did you mean 'host-name'?",
            "t.conf:2:1: warning: 'max-smtp-out' is a <domain> directive; put it inside <domain *> to apply it to every domain",
            "t.conf:4:3: warning: unknown directive 'record' in <acct-file>; did you mean 'records'?",
        ])
    }

    @Test func domainDirectivesOutsideDomainBlocksGetAHint() {
        let result = load("<virtual-mta v1>\n  max-smtp-out 2\n</virtual-mta>\n")
        #expect(lines(result) == [
            "t.conf:2:3: warning: 'max-smtp-out' is a <domain> directive; put it inside <domain *> within this <virtual-mta>",
        ])
    }

    @Test func badValuesSayWhatWasExpected() {
        let result = load("""
            <domain *>
                max-msg-rate 50/fortnight  # typo
                use-starttls maybe
                bounce-after 4x
                max-smtp-out 0
                backoff-to-normal-after sometime
                retry-after 10m,,1h
                smtp-hosts [127.0.0.1]:99999
            </domain>
            <acct-file /tmp/a.csv>
                max-size 10Q
            </acct-file>
            http-mgmt-port localhost
            """)
        #expect(lines(result) == [
            "t.conf:2:18: error: invalid value for 'max-msg-rate': expected a rate such as 50/s, 500/h or 83/10m, found '50/fortnight'",
            "t.conf:3:18: error: invalid value for 'use-starttls': expected yes or no (also true/false), found 'maybe'",
            "t.conf:4:18: error: invalid value for 'bounce-after': expected a duration such as 30s, 10m, 2h or 4d12h, found '4x'",
            "t.conf:5:18: error: invalid value for 'max-smtp-out': expected a whole number of at least 1, found '0'",
            "t.conf:6:29: error: invalid value for 'backoff-to-normal-after': expected a duration such as 30m or 4d12h, or never, found 'sometime'",
            "t.conf:7:17: error: invalid value for 'retry-after': expected a retry list such as 10m or 10m,1h,4h, found '10m,,1h'",
            "t.conf:8:16: error: invalid value for 'smtp-hosts': expected a host such as mx.example.com:25, [127.0.0.1]:2600 or lookup-mx:example.com, found '[127.0.0.1]:99999'",
            "t.conf:11:14: error: invalid value for 'max-size': expected a size such as 50M, 1G or 52428800, found '10Q'",
            "t.conf:13:16: error: invalid value for 'http-mgmt-port': expected a port or address:port such as 8080 or 127.0.0.1:8080, found 'localhost'",
        ])
    }

    @Test func unclosedBlockIsReportedAtItsOpeningBracket() {
        let result = load("<virtual-mta v1>\n  <domain a.com>\n    max-smtp-out 2\n</virtual-mta>\n")
        #expect(lines(result) == [
            "t.conf:4:1: error: '</virtual-mta>' does not match '<domain>' opened at t.conf:2:3",
        ])
        let eof = load("<domain a.com>\n  max-smtp-out 2\n")
        #expect(lines(eof) == [
            "t.conf:1:1: error: '<domain>' is not closed; expected '</domain>' before the end of t.conf",
        ])
    }

    @Test func mismatchedAndStrayClosingTags() {
        let result = load("<domain a.com>\n</domian>\n</domain>\n</source>\n")
        #expect(lines(result) == [
            "t.conf:2:1: error: '</domian>' does not match '<domain>' opened at t.conf:1:1",
            "t.conf:4:1: error: '</source>' closes no open block",
        ])
    }

    @Test func blocksWhereTheyMayNotNest() {
        let result = load("""
            <domain a.com>
              <virtual-mta v1>
              </virtual-mta>
            </domain>
            <virtual-mta v2>
              <acct-file /tmp/x.csv>
                max-size 1Z
              </acct-file>
              <domain b.com>
                max-smtp-out 3
              </domain>
            </virtual-mta>
            """)
        #expect(lines(result) == [
            "t.conf:2:3: error: '<virtual-mta>' may not appear inside '<domain>'",
            "t.conf:6:3: error: '<acct-file>' may not appear inside '<virtual-mta>'",
            // The misplaced block's contents are still checked.
            "t.conf:7:14: error: invalid value for 'max-size': expected a size such as 50M, 1G or 52428800, found '1Z'",
        ])
        #expect(result.model.effectiveSettings(domain: "b.com", vmta: "v2").maxSmtpOut.value == 3)
    }

    @Test func duplicateNamesAndUndefinedReferences() {
        let result = load("""
            <virtual-mta vmta1>
            </virtual-mta>
            <virtual-mta vmta1>
            </virtual-mta>
            <virtual-mta-pool pool1>
              virtual-mta vmta1
              virtual-mta vmta2
            </virtual-mta-pool>
            <source 127.0.0.1>
              default-virtual-mta pool2
              pattern-list nowhere
            </source>
            <domain gmail.com>
              smtp-pattern-list backoff
            </domain>
            <smtp-pattern-list backof>
              reply /^421/ mode=backoff
            </smtp-pattern-list>
            """)
        #expect(lines(result) == [
            "t.conf:3:14: error: duplicate virtual-mta 'vmta1'; first defined at t.conf:1:1",
            "t.conf:7:15: error: pool 'pool1' names an undefined virtual-mta 'vmta2'; did you mean 'vmta1'?",
            "t.conf:10:23: error: default-virtual-mta names an undefined virtual-mta or virtual-mta-pool 'pool2'; did you mean 'pool1'?",
            "t.conf:11:16: error: pattern-list names an undefined pattern-list 'nowhere'",
            "t.conf:14:21: error: smtp-pattern-list names an undefined smtp-pattern-list 'backoff'; did you mean 'backof'?",
        ])
    }

    @Test func poolAndListNameClashes() {
        let result = load("""
            <virtual-mta a>
            </virtual-mta>
            <virtual-mta-pool a>
              virtual-mta a
            </virtual-mta-pool>
            <virtual-mta-pool p>
              virtual-mta a
            </virtual-mta-pool>
            <virtual-mta-pool p>
              virtual-mta a
            </virtual-mta-pool>
            <smtp-pattern-list s>
            </smtp-pattern-list>
            <smtp-pattern-list s>
            </smtp-pattern-list>
            """)
        #expect(lines(result) == [
            "t.conf:3:1: error: virtual-mta-pool 'a' has the same name as a virtual-mta",
            "t.conf:9:19: error: duplicate virtual-mta-pool 'p'; first defined at t.conf:6:1",
            "t.conf:14:20: error: duplicate smtp-pattern-list 's'; first defined at t.conf:12:1",
        ])
        #expect(result.model.virtualMTAs(named: "p") == ["a"])
    }

    @Test func badPatternsAndActions() {
        let result = load("""
            <smtp-pattern-list p>
              reply /[unclosed/ mode=backoff
              reply /^421/ mode=fast
              reply ^421 mode=backoff
              reply /^421/
            </smtp-pattern-list>
            <bounce-category-patterns>
              /^5\\.1\\.1/ bad-mailbx
              /(user|mailbox) (has|has been
              disabled)/ inactive-mailbox
            </bounce-category-patterns>
            """)
        #expect(lines(result) == [
            "t.conf:2:9: error: expected a valid regular expression, found '/[unclosed/'",
            "t.conf:3:16: error: unknown action 'mode=fast'; expected mode=backoff, mode=normal, bounce-queue, bounce-rcpt or disable-source-ip[=DURATION]",
            "t.conf:4:9: error: expected a regular expression between slashes such as /^421 4\\.7\\.0/, found '^421'",
            "t.conf:5:3: warning: reply has no action after the pattern, so it does nothing; add mode=backoff, mode=normal, bounce-queue, bounce-rcpt or disable-source-ip",
            "t.conf:8:14: note: 'bad-mailbx' is not a standard bounce category; it is recorded as written in bounceCat and counted under its own name (did you mean 'bad-mailbox'?)",
            // A pattern broken over two lines: the error names the first line, and the rest of the
            // pattern is reported as what it is, not taken for something else.
            "t.conf:9:3: error: regular expression '/(user|mailbox)…' is not closed on this line; a pattern must be on one line, between slashes such as /^421 4\\.7\\.0/",
            "t.conf:10:3: error: expected a regular expression between slashes such as /^421 4\\.7\\.0/, found 'disabled)/'",
        ])
        #expect(result.model.bounceCategoryRules.map(\.category.rawValue) == ["bad-mailbx"])
    }

    @Test("a category written against the pattern, and categories PowerMTA's list does not have")
    func attachedAndInventedCategories() throws {
        let result = load("""
            <bounce-category-patterns>
              /Too many invalid recipients/other
              /RTR:BL/ AOL-RTR-block
              /path/i
            </bounce-category-patterns>
            """)
        #expect(lines(result) == [
            "t.conf:3:12: note: 'AOL-RTR-block' is not a standard bounce category; it is recorded as written in bounceCat and counted under its own name",
            "t.conf:4:3: error: expected one bounce category after the pattern, e.g. /^5\\.1\\.1/ bad-mailbox",
        ])
        let rules = result.model.bounceCategoryRules
        #expect(rules.map(\.category) == [.other, BounceCategory(rawValue: "AOL-RTR-block")])
        #expect(rules.first?.regex.matches("550 Too many invalid recipients") == true)
        #expect(rules.last?.category.isStandard == false)
    }

    @Test func macroLoopsAndUndefinedMacros() {
        let result = load("""
            domain-macro a x.com,$b
            domain-macro b $a
            <domain $c>
            </domain>
            """)
        #expect(lines(result) == [
            "t.conf:2:16: error: domain-macro loop: $a -> $b -> $a",
            "t.conf:3:9: error: undefined domain-macro '$c'",
        ])
    }

    @Test func everyErrorIsReportedNotJustTheFirst() {
        var text = ""
        for i in 1...20 { text += "<domain d\(i).com>\n  max-msg-rate \(i)/fortnight\n</domain>\n" }
        let result = load(text)
        #expect(result.errors.count == 20)
        #expect(result.errors.map(\.location.line) == Array(stride(from: 2, through: 59, by: 3)))
    }

    @Test func smtpPatternBlockFromTheSeedsIsAWarning() {
        let result = load("<smtp-pattern 4xx>\npattern ^4[0-9]2\n</smtp-pattern>\n")
        #expect(lines(result) == [
            "t.conf:1:1: warning: '<smtp-pattern>' is not a PowerMTA block and is ignored; use <smtp-pattern-list NAME> with lines such as reply /^421 4\\.7\\.0/ mode=backoff",
        ])
    }
}

@Suite("check-config's report")
struct DiagnosticReportTests {
    @Test("a warning repeated with the same message is printed three times, then counted; errors always all")
    func repeatsAreCounted() {
        var text = "<domain a.test>\n    max-smtp-out 0\n</domain>\n"
        for i in 1...6 { text += "<domain d\(i).test>\n    dk-sign yes\n</domain>\n" }
        text += "<domain b.test>\n    max-smtp-out 0\n</domain>\n"
        let result = load(text)
        let lines = DiagnosticReport.lines(result.diagnostics)
        #expect(result.diagnostics.count == 8)
        #expect(lines.count == 6)
        #expect(lines.filter { $0.contains(": error: ") }.count == 2)
        #expect(lines.filter { $0.contains("warning: 'dk-sign'") }.count == 3)
        #expect(lines.last == "t.conf: note: the warning \"'dk-sign' is not supported and is ignored: DomainK…\" "
                             + "repeats on 3 more lines (14, 17, 20); --all prints each")
        #expect(DiagnosticReport.lines(result.diagnostics, repeats: 10).count == 8)
    }
}
