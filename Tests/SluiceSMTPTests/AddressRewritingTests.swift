import SluiceConfig
import Testing
@testable import SluiceSMTP

@Suite("rewrite-list applied to a message's addresses")
struct AddressRewritingTests {
    let rewriting: AddressRewriting = {
        let here = SourceLocation(file: "t.conf", line: 1, column: 1)
        return AddressRewriting(RewriteList(name: "l", rules: [
            AddressRewriteRule(field: .mailFrom, pattern: "*@old.example", replacement: "*@new.example", location: here),
            AddressRewriteRule(field: .headerFrom, pattern: "*@old.example", replacement: "*@new.example", location: here),
        ], location: here))
    }()

    @Test("the From header's addresses are rewritten in place; names, comments and other addresses are kept")
    func headerFromForms() {
        #expect(rewriting.headerFrom("\"Shop, Inc\" <news@old.example>") == "\"Shop, Inc\" <news@new.example>")
        #expect(rewriting.headerFrom("news@old.example") == "news@new.example")
        #expect(rewriting.headerFrom("a@old.example, b@other.example") == "a@new.example, b@other.example")
        #expect(rewriting.headerFrom("A <a@old.example>, B <b@old.example>") == "A <a@new.example>, B <b@new.example>")
        #expect(rewriting.headerFrom("news@other.example") == nil)
        #expect(rewriting.headerFrom("Shop News (weekly) news@old.example") == nil, "no address without brackets in prose")
    }

    @Test("the envelope sender: the first mail-from rule; the null sender never changes; no list, no change")
    func sender() {
        #expect(rewriting.sender("x@old.example") == "x@new.example")
        #expect(rewriting.sender("x@other.example") == "x@other.example")
        #expect(rewriting.sender("") == "")
        #expect(AddressRewriting().isEmpty)
        #expect(AddressRewriting().sender("x@old.example") == "x@old.example")
        #expect(AddressRewriting().headerFrom("x@old.example") == nil)
    }
}
