import Testing
@testable import SluiceConfig

@Suite("Inbound limits and spool free space")
struct InboundDirectiveTests {
    @Test("total-max-smtp-in, smtp-in-* and <spool> min-free-space are read with their values")
    func globalValues() {
        let result = load("""
        total-max-smtp-in 500
        smtp-in-command-timeout 90s
        smtp-in-min-data-rate 1k/s
        smtp-in-message-memory 512M
        <spool /var/spool/sluice>
            min-free-space 2G
        </spool>
        """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        #expect(result.model.totalMaxSMTPIn == 500)
        #expect(result.model.smtpInCommandTimeout == .seconds(90))
        #expect(result.model.smtpInMinimumDataRate?.bytes == 1024)
        #expect(result.model.smtpInMessageMemory?.bytes == 512 << 20)
        #expect(result.model.spools.first?.minimumFreeSpace?.bytes == 2 << 30)
    }

    @Test("max-smtp-in and max-smtp-in-rate belong to <source>; unlimited is no limit")
    func sourceValues() {
        let result = load("""
        <source 0/0>
            max-smtp-in 20
            max-smtp-in-rate 600/min
        </source>
        <source 127.0.0.1>
            max-smtp-in unlimited
        </source>
        """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        #expect(result.model.sources.first?.maxSMTPIn == 20)
        #expect(result.model.sources.first?.maxSMTPInRate == .limited(count: 600, per: .minutes(1)))
        #expect(result.model.sources.last?.maxSMTPIn == nil)
    }

    @Test("bad values are errors at their line and column, naming what was expected")
    func badValues() {
        let result = load("""
        total-max-smtp-in 0
        <source 0/0>
            max-smtp-in many
            max-smtp-in-rate fast
        </source>
        <spool /s>
            min-free-space lots
        </spool>
        """)
        let messages = lines(result)
        #expect(messages.count == 4, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("t.conf:1:19: error: invalid value for 'total-max-smtp-in'") && $0.contains("unlimited") })
        #expect(messages.contains { $0.hasPrefix("t.conf:3:17: error: invalid value for 'max-smtp-in'") })
        #expect(messages.contains { $0.hasPrefix("t.conf:4:22: error: invalid value for 'max-smtp-in-rate'") })
        #expect(messages.contains { $0.hasPrefix("t.conf:7:20: error: invalid value for 'min-free-space'") })
    }

    @Test("max-message-size unlimited (PowerMTA's stock sample) is no limit of the source's own")
    func unlimitedMessageSize() {
        let result = load("<source 127.0.0.1>\n    max-message-size unlimited\n</source>\n")
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        #expect(result.model.sources.first?.maxMessageSize == .unlimited)
        #expect(ByteSize.unlimited.description == "unlimited")
    }

    @Test("max-conn-rate is PowerMTA's spelling of max-connect-rate")
    func maxConnRateAlias() {
        let result = load("<domain gmail.com>\n    max-conn-rate 10/m\n</domain>\n")
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let rate = result.model.effectiveSettings(domain: "gmail.com", vmta: nil).maxConnectRate
        #expect(rate.value == .limited(count: 10, per: .minutes(1)))
        #expect(rate.origin.description.hasPrefix("t.conf:2"))
    }

    @Test("a domain macro inside a name expands with its prefix and suffix; PowerMTA's {queue} names apply to nothing, with a warning")
    func macroAffixesAndInternalQueues() {
        let result = load("""
        domain-macro gmailish gmail,googlemail
        <domain $gmailish.com>
            max-smtp-out 5
        </domain>
        <domain mx.$gmailish.net>
            max-smtp-out 6
        </domain>
        <domain {gmImprinter}>
            max-smtp-out 1
        </domain>
        """)
        #expect(result.errors.isEmpty, "\(lines(result))")
        #expect(lines(result).count == 1)
        #expect(lines(result).first?.hasPrefix("t.conf:8:9: warning: '<domain {gmImprinter}>' names one of PowerMTA's internal queues") == true)
        for domain in ["gmail.com", "googlemail.com"] {
            let settings = result.model.effectiveSettings(domain: domain, vmta: nil).maxSmtpOut
            #expect(settings.value == 5 && settings.origin.description.hasPrefix("t.conf:3"), "\(domain)")
        }
        #expect(result.model.effectiveSettings(domain: "mx.googlemail.net", vmta: nil).maxSmtpOut.value == 6)
        #expect(result.model.effectiveSettings(domain: "gmail.net", vmta: nil).maxSmtpOut.value != 6)
        let undefined = load("<domain $nosuch.com>\n    max-smtp-out 5\n</domain>\n")
        #expect(lines(undefined).first?.hasPrefix("t.conf:1:9: error: undefined domain-macro '$nosuch'") == true)
    }

    @Test("PowerMTA directives without effect in Sluice load with a warning naming why, also with --strict")
    func acceptedWithoutEffect() throws {
        let text = "run-as-root no\nsync-msg-create false\n<source 0/0>\n    log-data no\n</source>\n"
            + "<domain *>\n    reuse-ssl-session yes\n</domain>\n"
        for strict in [false, true] {
            let result = load(text, strict: strict)
            #expect(result.errors.isEmpty, "\(lines(result))")
            #expect(lines(result) == [
                "t.conf:1:1: note: 'run-as-root' is accepted without effect: Sluice runs as the user that starts it; "
                    + "drop privileges with the service manager (User= in systemd) (docs/pmta-compat.md#run-as-root)",
                "t.conf:2:1: note: 'sync-msg-create' is accepted without effect: Sluice always syncs a message to the "
                    + "spool before it answers 250 (docs/pmta-compat.md#sync-msg-create)",
                "t.conf:4:5: note: 'log-data' is accepted without effect: Sluice never logs message content "
                    + "(docs/pmta-compat.md#log-data)",
                "t.conf:7:5: note: 'reuse-ssl-session' is accepted without effect: Sluice's TLS client does not resume "
                    + "TLS sessions (docs/pmta-compat.md#reuse-ssl-session)",
            ])
        }
        // Every directive the table names has its entry in the document.
        let document = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/pmta-compat.md"), encoding: .utf8)
        for name in PowerMTACompatibility.table.keys {
            #expect(document.contains("<a id=\"\(PowerMTACompatibility.anchor(of: name))\"></a>`\(name)`"), "\(name)")
        }
    }

    @Test("dns-server takes one IPv4 name server, port 53 unless given")
    func dnsServer() {
        #expect(load("dns-server 192.0.2.53\n").model.dnsServer?.description == "192.0.2.53:53")
        #expect(load("dns-server 127.0.0.1:5353\n").model.dnsServer?.port == 5353)
        let list = load("dns-server 192.0.2.53,192.0.2.54\n")
        #expect(lines(list).first?.hasPrefix("t.conf:1:12: error: invalid value for 'dns-server': expected one IPv4 name server") == true)
        #expect(list.model.dnsServer == nil)
        // PowerMTA's documentation also spells it name-server.
        #expect(load("name-server 8.8.8.8\n").model.dnsServer?.description == "8.8.8.8:53")
    }

    @Test("a <domain> nested in a <virtual-mta-pool> applies to the pool's members only, under a member's own block")
    func poolNestedDomainBlocks() {
        let result = load("""
        <virtual-mta v1>
            smtp-source-host 127.0.0.1 a.test
        </virtual-mta>
        <virtual-mta v2>
            smtp-source-host 127.0.0.2 b.test
            <domain gmail.com>
                max-smtp-out 9
            </domain>
        </virtual-mta>
        <virtual-mta v3>
            smtp-source-host 127.0.0.3 c.test
        </virtual-mta>
        <virtual-mta-pool warm>
            virtual-mta v1
            virtual-mta v2
            <domain gmail.com>
                max-smtp-out 3
            </domain>
        </virtual-mta-pool>
        """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let v1 = result.model.effectiveSettings(domain: "gmail.com", vmta: "v1").maxSmtpOut
        #expect(v1.value == 3 && v1.origin.description.hasPrefix("t.conf:17"), "\(v1.origin)")
        #expect(result.model.effectiveSettings(domain: "gmail.com", vmta: "v2").maxSmtpOut.value == 9)
        let builtin = result.model.effectiveSettings(domain: "gmail.com", vmta: nil).maxSmtpOut.value
        #expect(result.model.effectiveSettings(domain: "gmail.com", vmta: "v3").maxSmtpOut.value == builtin)
        #expect(builtin != 3)
        #expect(result.model.effectiveSettings(domain: "yahoo.com", vmta: "v1").maxSmtpOut.value == builtin)
    }

    @Test("deliver-only yes is an error (Sluice has one spool, which takes new mail); no is accepted; log-commands and log-resolution are without effect")
    func spoolDeliverOnlyAndLogging() {
        #expect(lines(load("<spool /s>\n    deliver-only no\n</spool>\n")).isEmpty)
        let yes = load("<spool /s>\n    deliver-only yes\n</spool>\n")
        #expect(lines(yes) == ["t.conf:2:5: error: deliver-only yes is not supported: Sluice has one spool, and it takes new mail "
                               + "(docs/pmta-compat.md#deliver-only)"])
        let logging = load("<source 0/0>\n    log-commands yes\n</source>\n<domain *>\n    log-resolution no\n</domain>\n")
        #expect(logging.errors.isEmpty)
        #expect(lines(logging).map { $0.prefix(60) } == [
            "t.conf:2:5: note: 'log-commands' is accepted without effect:",
            "t.conf:5:5: note: 'log-resolution' is accepted without effec",
        ])
    }

    @Test("dkim-sign yes and no are both quiet (signing is implemented); <signals> is a known unsupported block")
    func dkimSignAndSignals() {
        let result = load("<domain *>\n    dkim-sign yes\n</domain>\n<domain a.test>\n    dkim-sign no\n</domain>\n<signals>\n    api-key x\n</signals>\n")
        #expect(result.errors.isEmpty)
        #expect(lines(result) == [
            "t.conf:7:1: warning: '<signals>' is not supported and is ignored: SparkPost Signals is not supported; the block and its "
                + "contents are ignored (docs/pmta-compat.md#signals)",
        ])
        // --strict refuses what is not supported (and still only notes what is without effect).
        let strict = load("verp-default yes\nrun-as-root no\n", strict: true)
        #expect(lines(strict).map { $0.prefix(18) } == ["t.conf:1:1: error:", "t.conf:2:1: note: "])
    }
}

extension InboundDirectiveTests {
    @Test("authentication-method password is PowerMTA's default and Sluice's only method; another is an error")
    func smtpUserAuthenticationMethod() {
        let ok = load("<smtp-user app>\n    password s3cret\n    authentication-method password\n</smtp-user>\n")
        #expect(ok.diagnostics.isEmpty, "\(lines(ok))")
        #expect(ok.model.smtpUsers["app"] != nil)
        let system = load("<smtp-user app>\n    password s3cret\n    authentication-method system\n</smtp-user>\n")
        #expect(lines(system) == ["t.conf:3:27: error: authentication-method 'system' is not supported: Sluice checks the "
                                  + "password given in <smtp-user> (authentication-method password)"])
    }
}

@Suite("docs/pmta-compat.md lists every implemented directive")
struct CompatibilityDocumentTests {
    @Test("each block and directive Sluice implements has its row in the Implemented table, with its place")
    func implementedTableIsComplete() throws {
        let document = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/pmta-compat.md"), encoding: .utf8)
        let section = try #require(document.components(separatedBy: "## Implemented").dropFirst().first?
            .components(separatedBy: "\n## ").first)
        for (context, names) in ModelBuilder.implemented {
            for name in names {
                #expect(section.contains("| `\(name)` | \(context) |"), "\(context): \(name)")
            }
        }
    }
}
