import Testing
@testable import SluiceConfig

@Suite("<rewrite-list> and rewrite-list in <source>")
struct RewriteListTests {
    let here = SourceLocation(file: "t.conf", line: 1, column: 1)

    @Test("mail-from and header-from (or from) lines, in order; a source names the list")
    func rewriteListParsed() throws {
        let result = load("""
        <source 10.0.0.0/8>
            rewrite-list brands
        </source>
        <rewrite-list brands>
            mail-from *@old.example *@new.example
            header-from *@old.example *@new.example
            from news@*.shop.example news@shop.example
        </rewrite-list>
        """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let list = try #require(result.model.rewriteLists["brands"])
        #expect(list.rules.map(\.field) == [.mailFrom, .headerFrom, .headerFrom])
        #expect(list.rules.map(\.pattern) == ["*@old.example", "*@old.example", "news@*.shop.example"])
        #expect(list.rules[2].replacement == "news@shop.example")
        #expect(list.rules[1].location.line == 6)
        #expect(result.model.sources.first?.rewriteList == "brands")
        #expect(list.rewrite("a@old.example", field: .mailFrom) == "a@new.example")
        #expect(list.rewrite("news@eu.shop.example", field: .headerFrom) == "news@shop.example")
        #expect(list.rewrite("news@eu.shop.example", field: .mailFrom) == nil)
    }

    @Test("an undefined list is an error at the name; bad lines are errors at the word; unknown lines warn")
    func rewriteListErrors() {
        let result = load("""
        <source 0/0>
            rewrite-list brand
        </source>
        <rewrite-list brands>
            mail-from *@old.example
            mail-from a@old.example *@new.example
            mail-from *@*.*.*.*.example x
            rcpt-to *@old.example *@new.example
        </rewrite-list>
        <rewrite-list empty>
        </rewrite-list>
        """)
        #expect(lines(result) == [
            "t.conf:2:18: error: rewrite-list names an undefined <rewrite-list> 'brand'; did you mean 'brands'?",
            "t.conf:5:5: error: 'mail-from' takes a pattern and its replacement, e.g. mail-from *@old.example *@new.example",
            "t.conf:6:29: error: the replacement '*@new.example' has more '*' than the pattern 'a@old.example': each '*' "
                + "of the replacement is what the pattern's '*' in the same position matched, e.g. *@old.example *@new.example",
            "t.conf:7:15: error: a rewrite pattern may hold at most 4 '*', found '*@*.*.*.*.example'",
            "t.conf:8:5: warning: unknown directive 'rcpt-to' in <rewrite-list>",
            "t.conf:10:1: warning: rewrite-list 'empty' has no rules",
        ])
    }

    @Test("patterns match the whole address in any case; each * of the replacement is the matching * of the pattern")
    func patternMatching() {
        func rule(_ pattern: String, _ replacement: String) -> AddressRewriteRule {
            AddressRewriteRule(field: .mailFrom, pattern: pattern, replacement: replacement, location: here)
        }
        #expect(rule("*@old.example", "*@new.example").rewrite("Jane.Doe@Old.Example") == "Jane.Doe@new.example")
        #expect(rule("*@old.example", "*@new.example").rewrite("a@sub.old.example") == nil)
        #expect(rule("*@*.old.example", "*@*.new.example").rewrite("a@eu.old.example") == "a@eu.new.example")
        #expect(rule("*@old.example", "bounces@new.example").rewrite("anyone@old.example") == "bounces@new.example")
        #expect(rule("a@old.example", "b@new.example").rewrite("a@old.example") == "b@new.example")
        #expect(rule("a@old.example", "b@new.example").rewrite("aa@old.example") == nil)
        #expect(rule("*", "*").rewrite("") == "")
        #expect(AddressRewriteRule.rewrite("x@old.example", with: [rule("x@*", "first@*"), rule("*@old.example", "second")])
                == "first@old.example")
    }
}
