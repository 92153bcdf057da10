@testable import SluiceConfig
import Testing

/// Several `smtp-source-host` lines per vmta, `disable-source-ip`, and the two `<domain>`
/// directives about disabled sources and backoff.
@Suite("Source addresses and disable-source-ip in the configuration")
struct SourceIPDirectiveTests {
    @Test("a vmta keeps every smtp-source-host line in order; the first is its address")
    func severalSourceHosts() {
        let result = load("""
        <virtual-mta v1>
            smtp-source-host 192.0.2.10 a.example.com
            smtp-source-host 192.0.2.11 b.example.com
            smtp-source-host 2001:db8::12
        </virtual-mta>
        """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let vmta = result.model.virtualMTAs["v1"]
        #expect(vmta?.sourceHosts.map(\.address) == ["192.0.2.10", "192.0.2.11", "2001:db8::12"].compactMap(IPAddress.init))
        #expect(vmta?.sourceHosts.map(\.hostName) == ["a.example.com", "b.example.com", nil])
        #expect(vmta?.sourceAddress == IPAddress("192.0.2.10") && vmta?.sourceHostName == "a.example.com")
    }

    @Test("backoff-reroute-to-virtual-mta and backoff-upon-all-sources-disabled are domain settings, no longer warnings")
    func domainDirectives() {
        let result = load("""
        <virtual-mta v1>
            smtp-source-host 192.0.2.10 a.example.com
        </virtual-mta>
        <virtual-mta v2>
            smtp-source-host 192.0.2.20 b.example.com
        </virtual-mta>
        <smtp-pattern-list blocks>
            reply /temporarily blocked/ disable-source-ip=10m
            reply /rate limited/ disable-source-ip
        </smtp-pattern-list>
        <domain isp.test>
            smtp-pattern-list blocks
            backoff-reroute-to-virtual-mta v2
            backoff-upon-all-sources-disabled yes
        </domain>
        """, strict: true)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let settings = result.model.effectiveSettings(domain: "isp.test", vmta: "v1")
        #expect(settings.backoffRerouteToVirtualMTA.value == "v2")
        #expect(settings.backoffUponAllSourcesDisabled.value)
        let defaults = result.model.effectiveSettings(domain: "other.test", vmta: "v1")
        #expect(defaults.backoffRerouteToVirtualMTA.value == nil && !defaults.backoffUponAllSourcesDisabled.value)
        let actions = result.model.smtpPatternLists["blocks"]?.rules.map(\.actions)
        #expect(actions == [[.disableSourceIP(.minutes(10))], [.disableSourceIP(nil)]])
        #expect(PowerMTACompatibility.table["backoff-reroute-to-virtual-mta"] == nil)
        #expect(PowerMTACompatibility.table["backoff-upon-all-sources-disabled"] == nil)
    }

    @Test("a bad value is an error at the value")
    func badValues() {
        let result = load("<domain *>\n    backoff-upon-all-sources-disabled maybe\n</domain>\n")
        #expect(lines(result).first?.hasPrefix("t.conf:2:39: error: invalid value for 'backoff-upon-all-sources-disabled'") == true,
                "\(lines(result))")
        let duration = load("<smtp-pattern-list p>\n    reply /x/ disable-source-ip=soon\n</smtp-pattern-list>\n")
        #expect(lines(duration).first?.contains("error: invalid value for 'disable-source-ip'") == true, "\(lines(duration))")
        let unknown = load("<virtual-mta v1>\n</virtual-mta>\n<domain *>\n    backoff-reroute-to-virtual-mta v2\n</domain>\n")
        #expect(lines(unknown) == ["t.conf:4:36: error: backoff-reroute-to-virtual-mta names an undefined virtual-mta 'v2'; did you mean 'v1'?"])
    }
}
