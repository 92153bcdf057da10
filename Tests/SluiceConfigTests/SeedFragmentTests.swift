import Testing
import SluiceConfig

/// The PowerMTA fragments of shared/seeds/ (flattened by a web scrape, restored here one
/// directive per line with their trailing comments) load without errors.
@Suite("Seed fragments")
struct SeedFragmentTests {
    static let fragments = """
        # Use patterns to delay retries intelligently.
        <smtp-pattern 4xx>
        pattern ^4[0-9]2
        initial-pts 60
        max-pts 3600
        </smtp-pattern>

        <domain *> # Default for all domains
        max-msg-per-connection 100
        max-errors-per-domain 5
        idle-timeout 120
        </domain>
        <domain gmail.com>
        max-msg-per-hour 200000 # Respect Gmail's limits
        max-msg-rate 50/second # Slower warmup
        dns-timeout 45
        use-starttls yes # Always TLS if available
        </domain>
        <domain yahoo.com>
        max-msg-per-hour 150000
        max-msg-rate 40/second
        dns-timeout 60
        bounce-pattern-file /etc/pmta/bounce_patterns/yahoo.ptr
        </domain>
        <domain microsoft.com> # Outlook/Hotmail
        max-msg-rate 20/second # Very strict
        max-msg-per-hour 50000
        # Use their smart host for better delivery
        smtp-route mail.protection.outlook.com
        </domain>

        disk-queue /var/spool/powermta # Ensure this is on a fast SSD, not HDD.

        # Configure the accounting file to log bounces and FBLs
        <acct-file /var/log/pmta/acct.csv>
        # Possible values: bounces, feedback, delivered, etc.
        record bounces,feedback
        max-size 100M
        rotate 5
        </acct-file>

        <domain *>
        use-starttls yes
        dkim-sign yes
        max-cold-virtual-mta-msg 50000
        </domain>
        """

    @Test func loadWithoutErrors() {
        let result = load(Self.fragments, file: "seeds.conf")
        #expect(!result.hasErrors)
        // What PowerMTA does not know (or what the scrape invented) is a warning naming the line.
        #expect(lines(result) == [
            "seeds.conf:2:1: warning: '<smtp-pattern>' is not a PowerMTA block and is ignored; use <smtp-pattern-list NAME> with lines such as reply /^421 4\\.7\\.0/ mode=backoff",
            "seeds.conf:10:1: warning: unknown directive 'max-errors-per-domain' in <domain>; did you mean 'max-errors-per-connection'?",
            "seeds.conf:23:1: warning: unknown directive 'bounce-pattern-file' in <domain>",
            "seeds.conf:29:1: warning: unknown directive 'smtp-route' in <domain>; did you mean 'smtp-hosts'?",
            "seeds.conf:32:1: warning: unknown directive 'disk-queue' at the top level",
            "seeds.conf:37:1: warning: unknown directive 'record' in <acct-file>; did you mean 'records'?",
            "seeds.conf:39:1: warning: unknown directive 'rotate' in <acct-file>",
        ])
    }

    @Test func valuesAndOriginsAreTheSeedsOwn() {
        let model = load(Self.fragments, file: "seeds.conf").model
        let gmail = model.effectiveSettings(domain: "gmail.com", vmta: nil)
        #expect(gmail.maxMsgRate.value == .limited(count: 50, per: .seconds(1)))
        #expect(gmail.maxMsgRate.origin.description == "seeds.conf:15")
        #expect(gmail.maxMsgPerHour.value == 200_000)
        #expect(gmail.dnsTimeout.value == .seconds(45))
        #expect(gmail.useStarttls.origin.description == "seeds.conf:17")
        #expect(gmail.idleTimeout.value == .minutes(2))
        #expect(gmail.maxMsgPerConnection.value == 100)
        let yahoo = model.effectiveSettings(domain: "yahoo.com", vmta: nil)
        #expect(yahoo.maxMsgRate.value.description == "40/s")
        #expect(yahoo.dnsTimeout.value == .minutes(1))
        let microsoft = model.effectiveSettings(domain: "microsoft.com", vmta: nil)
        #expect(microsoft.maxMsgRate.value.description == "20/s")
        #expect(microsoft.maxMsgPerHour.value == 50_000)
        #expect(model.acctFiles.map(\.path) == ["/var/log/pmta/acct.csv"])
        #expect(model.acctFiles.first?.maxSize?.description == "100M")
        #expect(model.effectiveSettings(domain: "example.org", vmta: nil).dkimSign.value)
        // A bare number is messages a day.
        #expect(model.effectiveSettings(domain: "example.org", vmta: nil).maxColdVirtualMTAMsg.value == 50_000)
    }
}
