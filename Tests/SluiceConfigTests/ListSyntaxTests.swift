import SluiceConfig
import Testing

/// How real PowerMTA files write lists and macros: spaces after commas, a list continued on the
/// next line after a trailing comma, several macros in one name, macros inside macros, `\$`.
@Suite("Lists and macros as real files write them")
struct ListSyntaxTests {
    @Test("a list with spaces after its commas is one list")
    func spacedLists() throws {
        let result = load("""
            domain-macro yahoo yahoo.com, ymail.com,  rocketmail.com
            <acct-file /tmp/a.csv>
                records d, b, t
            </acct-file>
            """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        #expect(result.model.domainMacros["yahoo"] == ["yahoo.com", "ymail.com", "rocketmail.com"])
        let file = try #require(result.model.acctFiles.first)
        #expect(file.records == [.delivered, .bounced, .transient])
    }

    @Test("a value ending with a comma continues on the next line")
    func continuedLists() {
        let result = load("""
            domain-macro invalid yahooo.com,gmail.cm,
            hotmaail.com,tonline.de,
                gmail.con
            <domain $invalid>
                max-smtp-out 1
            </domain>
            """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        #expect(result.model.domainMacros["invalid"] == ["yahooo.com", "gmail.cm", "hotmaail.com", "tonline.de", "gmail.con"])
        #expect(result.model.effectiveSettings(domain: "gmail.con", vmta: nil).maxSmtpOut.value == 1)
        #expect(result.model.effectiveSettings(domain: "gmail.con", vmta: nil).maxSmtpOut.origin.description == "t.conf:5")
    }

    @Test("two macros in one name give every combination; a macro with a suffix inside another; \\$ is $")
    func macroCombinations() {
        let result = load("""
            domain-macro isp yahoo,rogers
            domain-macro tld com,co.uk
            domain-macro gmailish gmail,googlemail
            domain-macro big $gmailish.com, aol.com
            <domain $isp.$tld>
                max-smtp-out 7
            </domain>
            <domain $big>
                max-smtp-out 8
            </domain>
            <domain mail.\\$tld>
                max-smtp-out 9
            </domain>
            """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let model = result.model
        for domain in ["yahoo.com", "yahoo.co.uk", "rogers.com", "rogers.co.uk"] {
            #expect(model.effectiveSettings(domain: domain, vmta: nil).maxSmtpOut.value == 7, "\(domain)")
        }
        #expect(model.domainMacros["big"] == ["gmail.com", "googlemail.com", "aol.com"])
        #expect(model.effectiveSettings(domain: "googlemail.com", vmta: nil).maxSmtpOut.value == 8)
        #expect(model.effectiveSettings(domain: "mail.co.uk", vmta: nil).maxSmtpOut.value == 9)
        #expect(model.effectiveSettings(domain: "yahoo.de", vmta: nil).maxSmtpOut.value == 20)
    }

    @Test("a macro defined twice: a warning naming both, and the later list is used")
    func redefinedMacro() {
        let result = load("""
            domain-macro racsa a.cr, b.cr
            domain-macro racsa c.cr
            """)
        #expect(lines(result) == ["t.conf:2:14: warning: domain-macro 'racsa' is defined again (first at t.conf:1:1); "
                                  + "this later list replaces it everywhere it is used"])
        #expect(result.model.domainMacros["racsa"] == ["c.cr"])
    }

    @Test("mx-connection-attempts takes a count or unlimited")
    func mxConnectionAttempts() {
        let result = load("<domain *>\n    mx-connection-attempts 2\n</domain>\n<domain b.test>\n    mx-connection-attempts unlimited\n</domain>\n")
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        #expect(result.model.effectiveSettings(domain: "a.test", vmta: nil).mxConnectionAttempts.value == 2)
        #expect(result.model.effectiveSettings(domain: "b.test", vmta: nil).mxConnectionAttempts.value == 0)
    }
}
