import Testing
import SluiceConfig

@Suite("Effective settings and precedence")
struct PrecedenceTests {
    /// Blocks written from most to least specific, so file order cannot explain the result.
    static let config = """
        <domain mail.example.com>
            max-smtp-out 5
        </domain>
        <domain *.example.com>
            max-smtp-out 4
            max-msg-rate 4/s
        </domain>
        <domain [*.]example.com>
            max-smtp-out 3
            max-msg-rate 3/s
            dns-timeout 3s
        </domain>
        <domain *>
            max-smtp-out 2
            max-msg-rate 2/s
            dns-timeout 2s
            idle-timeout 2s
        </domain>
        <virtual-mta v1>
            <domain *>
                connect-timeout 7s
            </domain>
            <domain example.com>
                max-smtp-out 9
            </domain>
        </virtual-mta>
        <virtual-mta v2>
        </virtual-mta>
        """

    private func at(_ line: Int, _ column: Int = 5) -> Origin {
        .config(SourceLocation(file: "t.conf", line: line, column: column))
    }

    @Test func exactBeatsSubdomainsBeatsDomainAndSubdomainsBeatsAny() {
        let model = load(Self.config).model
        let exact = model.effectiveSettings(domain: "mail.example.com", vmta: nil)
        #expect(exact.maxSmtpOut == Sourced(5, at(2)))
        #expect(exact.maxMsgRate == Sourced(.limited(count: 4, per: .seconds(1)), at(6)))
        #expect(exact.dnsTimeout == Sourced(.seconds(3), at(11)))
        #expect(exact.idleTimeout == Sourced(.seconds(2), at(17)))
        #expect(exact.maxRcptPerTransaction == Sourced(1000, .builtin))

        // The bare domain matches [*.]example.com but not *.example.com.
        let bare = model.effectiveSettings(domain: "example.com", vmta: nil)
        #expect(bare.maxSmtpOut == Sourced(3, at(9)))
        // A deeper subdomain matches *.example.com.
        #expect(model.effectiveSettings(domain: "a.b.example.com", vmta: nil).maxSmtpOut == Sourced(4, at(5)))
        #expect(model.effectiveSettings(domain: "other.org", vmta: nil).maxSmtpOut == Sourced(2, at(14)))
    }

    @Test func longerSuffixesAreMoreSpecific() {
        let model = load("""
            <domain *.example.com>
                max-smtp-out 4
            </domain>
            <domain [*.]com>
                max-smtp-out 1
                max-msg-rate 1/s
            </domain>
            """).model
        let s = model.effectiveSettings(domain: "a.example.com", vmta: nil)
        #expect(s.maxSmtpOut == Sourced(4, at(2)))
        #expect(s.maxMsgRate.origin == at(6))
        #expect(model.effectiveSettings(domain: "com", vmta: nil).maxSmtpOut.value == 1)
    }

    @Test func namesAreCaseInsensitiveAndTrailingDotsIgnored() {
        let model = load(Self.config).model
        #expect(model.effectiveSettings(domain: "MAIL.Example.COM.", vmta: nil).maxSmtpOut.value == 5)
        let upper = load("<DOMAIN Gmail.COM>\nMAX-SMTP-OUT 7\n</domain>").model
        #expect(upper.effectiveSettings(domain: "gmail.com", vmta: nil).maxSmtpOut.value == 7)
    }

    @Test func vmtaBlocksOverrideForThatVmtaOnly() {
        let model = load(Self.config).model
        let v1 = model.effectiveSettings(domain: "example.com", vmta: "v1")
        #expect(v1.maxSmtpOut == Sourced(9, at(24, 9)))
        #expect(v1.connectTimeout == Sourced(.seconds(7), at(21, 9)))
        #expect(v1.maxMsgRate.value == .limited(count: 3, per: .seconds(1)))
        let v2 = model.effectiveSettings(domain: "example.com", vmta: "v2")
        #expect(v2 == model.effectiveSettings(domain: "example.com", vmta: nil))
        #expect(model.effectiveSettings(domain: "example.com", vmta: "nope").maxSmtpOut.value == 3)
    }

    @Test func laterBlocksForTheSamePatternWin() {
        let model = load("""
            <domain a.com>
                max-smtp-out 1
                max-msg-rate 1/s
            </domain>
            <domain a.com>
                max-smtp-out 2
            </domain>
            """).model
        let s = model.effectiveSettings(domain: "a.com", vmta: nil)
        #expect(s.maxSmtpOut == Sourced(2, at(6)))
        #expect(s.maxMsgRate == Sourced(.limited(count: 1, per: .seconds(1)), at(3)))
    }

    @Test func listsAndMacrosApplyToEveryDomain() {
        let result = load("""
            domain-macro big $yahoo, gmail.com
            domain-macro yahoo yahoo.com,ymail.com
            <domain $big, outlook.com>
                max-smtp-out 6
            </domain>
            """)
        #expect(lines(result) == [])
        #expect(result.model.domainMacros["big"] == ["yahoo.com", "ymail.com", "gmail.com"])
        for domain in ["yahoo.com", "ymail.com", "gmail.com", "outlook.com"] {
            #expect(result.model.effectiveSettings(domain: domain, vmta: nil).maxSmtpOut.value == 6)
        }
        #expect(result.model.effectiveSettings(domain: "aol.com", vmta: nil).maxSmtpOut.value == 20)
    }

    @Test func routeIsAnAliasOfSmtpHosts() {
        let model = load("<domain a.com>\nroute [127.0.0.1]:2600\n</domain>").model
        let hosts = model.effectiveSettings(domain: "a.com", vmta: nil).smtpHosts
        #expect(hosts.value == [MailHost(host: "127.0.0.1", isAddressLiteral: true, port: 2600)])
    }
}
