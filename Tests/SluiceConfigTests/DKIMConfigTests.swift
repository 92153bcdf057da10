import Testing
import SluiceConfig

@Suite("DKIM directives in PowerMTA's dialect")
struct DKIMConfigTests {
    @Test func domainKeysAtTheTopLevelAndInAVirtualMTA() throws {
        let result = load("""
        domain-key s1,Example.COM,/etc/sluice/dkim/s1.pem
        domain-key s2, example.com, keys/s2.pem
        <virtual-mta v1>
            domain-key brand,*,/etc/sluice/dkim/brand.pem
        </virtual-mta>
        """, file: "/etc/sluice/sluice.conf")
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let keys = result.model.domainKeys
        #expect(keys.map(\.selector) == ["s1", "s2"])
        #expect(keys.map(\.domain) == ["example.com", "example.com"])
        #expect(keys[1].resolvedPath == "/etc/sluice/keys/s2.pem")
        #expect(keys[0].location.line == 1)
        let vmta = try #require(result.model.virtualMTAs["v1"])
        #expect(vmta.domainKeys.map(\.domain) == [DomainKey.anyDomain])
    }

    @Test func badDomainKeyLinesAreErrorsAtTheirLine() {
        let result = load("""
        domain-key s1,example.com
        domain-key s!1,example.com,/k.pem
        domain-key s1,not a domain,/k.pem
        domain-key s1,example.com,/a.pem
        domain-key s1,example.com,/b.pem
        """)
        let errors = result.errors.map(\.description)
        #expect(errors.count == 4, "\(errors)")
        #expect(errors[0].hasPrefix("t.conf:1:") && errors[0].contains("SELECTOR,DOMAIN,PATH"))
        #expect(errors[1].hasPrefix("t.conf:2:"))
        #expect(errors[2].hasPrefix("t.conf:3:") && errors[2].contains("signing domain"))
        #expect(errors[3].hasPrefix("t.conf:5:") && errors[3].contains("duplicate domain-key s1,example.com"))
    }

    @Test func domainDirectivesParse() {
        let result = load("""
        <domain gmail.com>
            dkim-sign yes
            dkim-identity bulk@News.Example.com
            dkim-headers-canon simple
            dkim-body-canon relaxed
            dkim-algorithm ed25519-sha256
            dkim-headers From,To,Subject,List-Id
            dkim-disallow-adding-headers no
            dkim-add-timestamp yes
            dkim-expire-after 7d
            dkim-add-body-limit yes
            second-dkim-sign yes
            second-dkim-identity @esp.example
            dkim-missing-key refuse
        </domain>
        """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let s = result.model.effectiveSettings(domain: "gmail.com", vmta: nil)
        #expect(s.dkimSign.value)
        #expect(s.dkimIdentity.value == "bulk@news.example.com")
        #expect(s.dkimHeadersCanon.value == .simple)
        #expect(s.dkimBodyCanon.value == .relaxed)
        #expect(s.dkimAlgorithm.value == .ed25519SHA256)
        #expect(s.dkimHeaders.value == ["From", "To", "Subject", "List-Id"])
        #expect(!s.dkimDisallowAddingHeaders.value)
        #expect(s.dkimAddTimestamp.value)
        #expect(s.dkimExpireAfter.value == .after(.hours(7 * 24)))
        #expect(s.dkimAddBodyLimit.value)
        #expect(s.secondDKIMSign.value)
        #expect(s.secondDKIMIdentity.value == "@esp.example")
        #expect(s.dkimMissingKey.value == .refuse)
        let defaults = result.model.effectiveSettings(domain: "other.test", vmta: nil)
        #expect(!defaults.dkimSign.value)
        #expect(defaults.dkimHeadersCanon.value == .relaxed && defaults.dkimBodyCanon.value == .relaxed)
        #expect(defaults.dkimHeaders.value.contains("List-Unsubscribe-Post"))
        #expect(defaults.dkimDisallowAddingHeaders.value)
        #expect(defaults.dkimMissingKey.value == .sendUnsigned)
    }

    @Test func badValuesAreErrorsWithTheExpectedForm() {
        let result = load("""
        <domain *>
            dkim-headers-canon nofws
            dkim-identity not an identity
            dkim-algorithm md5
            dkim-missing-key drop
        </domain>
        """)
        let errors = result.errors.map(\.description)
        #expect(errors.count == 4, "\(errors)")
        #expect(errors[0].contains("simple or relaxed"))
        #expect(errors[1].contains("@example.com"))
        #expect(errors[2].contains("rsa-sha256, ed25519-sha256 or any"))
        #expect(errors[3].contains("send-unsigned or refuse"))
    }

    @Test func obsoleteAlgorithmsAndDomainKeysWarn() {
        let result = load("""
        <domain *>
            dkim-algorithm rsa-sha1
            dk-sign yes
        </domain>
        <domain quiet.test>
            dk-sign no
        </domain>
        """)
        #expect(result.errors.isEmpty, "\(lines(result))")
        let warnings = result.warnings.map(\.description)
        #expect(warnings.count == 2, "\(warnings)")
        #expect(warnings[0].hasPrefix("t.conf:2:") && warnings[0].contains("RFC 8301"))
        #expect(warnings[1].hasPrefix("t.conf:3:") && warnings[1].contains("not DomainKeys-signed"))
        #expect(result.model.effectiveSettings(domain: "x.test", vmta: nil).dkimAlgorithm.value == .rsaSHA256)
    }

    @Test func sourceDKIMSign() {
        let result = load("""
        <source 10.0.0.0/8>
            dkim-sign no
        </source>
        <source 0/0>
            dkim-sign yes
        </source>
        """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        #expect(result.model.sources.map(\.dkimSign) == [false, true])
    }
}
