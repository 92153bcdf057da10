import Testing
@testable import SluiceConfig

@Suite("Lexer")
struct LexerTests {
    private func lex(_ line: String) -> (LineSyntax, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let syntax = Lexer(file: "f").lex(line: Substring(line), number: 7, into: &diagnostics)
        return (syntax, diagnostics)
    }

    private func words(_ line: String) -> [String] {
        guard case .directive(let name, let arguments) = lex(line).0 else { return [] }
        return [name.text] + arguments.map(\.text)
    }

    @Test func commentsAfterValuesAndWholeLines() {
        #expect(words("max-msg-rate 50/second # Slower warmup") == ["max-msg-rate", "50/second"])
        #expect(words("max-msg-rate 50/s#tight") == ["max-msg-rate", "50/s"])
        #expect(lex("   # only a comment").0 == .empty)
        #expect(lex("\t  ").0 == .empty)
    }

    @Test func linesEndAtLFCRLFAndALoneCR() {
        #expect(Lexer.lines(of: "a\nb\r\nc\rd\n\re\r\r\nf") == ["a", "b", "c", "d", "", "e", "", "f"])
        #expect(Lexer.lines(of: "x\r\n") == ["x", ""])
        #expect(Lexer.lines(of: "\r\r\n\n") == ["", "", "", ""])
        #expect(Lexer.lines(of: "") == [""])
    }

    @Test func quotedStringsKeepSpacesAndHashes() {
        #expect(words(#"host-name "mail example # not a comment" # comment"#)
                == ["host-name", "mail example # not a comment"])
        #expect(words(#"password "a\"b\\c""#) == ["password", #"a"b\c"#])
    }

    @Test func regexLiteralsAreOneWord() {
        #expect(words(#"reply /421 4\.7\.0 # try later/ mode=backoff # comment"#)
                == ["reply", #"/421 4\.7\.0 # try later/"#, "mode=backoff"])
        #expect(words(#"/mailbox (is )?full/i quota-issues"#) == [#"/mailbox (is )?full/i"#, "quota-issues"])
        #expect(words(#"reply /a\/b/ bounce-queue"#) == ["reply", #"/a\/b/"#, "bounce-queue"])
        // Paths are not mistaken for regexes, and their trailing comment is stripped.
        #expect(words("move-to /var/log/pmta # archive") == ["move-to", "/var/log/pmta"])
        #expect(words("move-to /var # archive") == ["move-to", "/var"])
    }

    @Test func wordColumnsAreOneBasedCharacters() {
        guard case .directive(let name, let arguments) = lex("  dns-timeout\t45").0 else {
            Issue.record("not a directive"); return
        }
        #expect(name.location == SourceLocation(file: "f", line: 7, column: 3))
        #expect(arguments.first?.location.column == 15)
        guard case .directive(_, let after) = lex("é x 5").0 else { Issue.record("not a directive"); return }
        #expect(after.last?.location.column == 5)
    }

    @Test func blockTags() {
        guard case .open(let name, let arguments, let start) = lex("  <Domain [*.]Example.com> # c").0 else {
            Issue.record("not an open tag"); return
        }
        #expect(name.text == "domain")
        #expect(arguments.map(\.text) == ["[*.]Example.com"])
        #expect(start.column == 3)
        guard case .close(let closeName, let closeStart) = lex("</domain>").0 else {
            Issue.record("not a close tag"); return
        }
        #expect(closeName.text == "domain")
        #expect(closeStart.column == 1)
        // A path argument with slashes does not hide the '>'.
        guard case .open(_, let acct, _) = lex("<acct-file /var/log/pmta/acct.csv>").0 else {
            Issue.record("not an open tag"); return
        }
        #expect(acct.map(\.text) == ["/var/log/pmta/acct.csv"])
    }

    @Test func malformedLinesAreReportedAtTheirColumn() {
        #expect(lex(#"host-name "unterminated"#).1.map(\.description)
                == ["f:7:11: error: unterminated quoted string"])
        #expect(lex("<domain gmail.com").1.map(\.description)
                == ["f:7:1: error: block tag is missing its closing '>'"])
        #expect(lex("<domain *> max-smtp-out 5").1.map(\.description)
                == ["f:7:12: error: unexpected text after '>'; write one directive or tag per line"])
        #expect(lex("<>").1.map(\.description)
                == ["f:7:1: error: block tag has no name; expected e.g. <domain example.com>"])
    }
}
