import Testing
import SluiceConfig

/// Every value type, read through a configuration file.
@Suite("Value types in a config")
struct ValueTypeTests {
    @Test func domainValuesOfEveryType() {
        let result = load("""
            <domain example.com>
                use-starttls true
                require-starttls yes
                dkim-sign on
                connect-timeout 45
                idle-timeout 2m
                bounce-after 4d12h
                backoff-to-normal-after never
                retry-after 10m, 1h,4h
                max-msg-rate 83/10m
                max-connect-rate unlimited
                backoff-max-msg-rate 2000/day
                max-msg-per-connection unlimited
                smtp-hosts [127.0.0.1]:2600, [::1]:2601 mx.example.net
            </domain>
            """)
        // dkim-sign yes parses quietly: signing is implemented.
        #expect(lines(result).isEmpty)
        let s = result.model.effectiveSettings(domain: "example.com", vmta: nil)
        #expect(s.useStarttls.value && s.requireStarttls.value && s.dkimSign.value)
        #expect(s.connectTimeout.value == .seconds(45))
        #expect(s.idleTimeout.value == .minutes(2))
        #expect(s.bounceAfter.value == .hours(108))
        #expect(s.backoffToNormalAfter.value == .never)
        #expect(s.retryAfter.value.steps == [.minutes(10), .hours(1), .hours(4)])
        #expect(s.maxMsgRate.value == .limited(count: 83, per: .minutes(10)))
        #expect(s.maxConnectRate.value == .unlimited)
        #expect(s.backoffMaxMsgRate.value == .limited(count: 2000, per: .days(1)))
        #expect(s.maxMsgPerConnection.value == 0)
        #expect(s.smtpHosts.value == [
            MailHost(host: "127.0.0.1", isAddressLiteral: true, port: 2600),
            MailHost(host: "::1", isAddressLiteral: true, port: 2601),
            MailHost(host: "mx.example.net", isAddressLiteral: false, port: 25),
        ])
        #expect(s.smtpHosts.origin == .config(SourceLocation(file: "t.conf", line: 14, column: 5)))
    }

    @Test func addressesCIDRsListenersAndSizes() throws {
        let result = load("""
            smtp-listener 0/0:25
            smtp-listener [::1]:2525
            http-mgmt-port 8080
            http-access 127.0.0.1 admin
            http-access 2001:db8::/32 monitor
            <source 10.1.0.0/16>
                max-message-size 50M
            </source>
            <source ::1>
                always-allow-relaying yes
            </source>
            <virtual-mta v6>
                smtp-source-host 2001:db8::10 v6.example.com
            </virtual-mta>
            <acct-file /tmp/a.csv>
                max-size 1G
                records d,bounces,feedback
                delete-after never
                move-interval 1h
            </acct-file>
            """)
        #expect(lines(result) == [])
        let m = result.model
        #expect(m.smtpListeners.map(\.address.description) == ["0.0.0.0:25", "[0:0:0:0:0:0:0:1]:2525"])
        #expect(m.httpManagement == ListenAddress(address: .v4(0), port: 8080))
        #expect(m.httpAccess.map(\.level) == [.admin, .monitor])
        #expect(m.httpAccess[1].clients.prefixLength == 32)
        #expect(m.httpAccessLevel(for: try #require(IPAddress("127.0.0.1"))) == .admin)
        #expect(m.httpAccessLevel(for: try #require(IPAddress("2001:db8::1"))) == .monitor)
        #expect(m.httpAccessLevel(for: try #require(IPAddress("127.0.0.2"))) == .none)
        let inside = try #require(IPAddress("10.1.2.3"))
        let source = try #require(m.source(for: inside))
        #expect(source.maxMessageSize == ByteSize(bytes: 50 << 20))
        #expect(m.source(for: try #require(IPAddress("::1")))?.alwaysAllowRelaying == true)
        #expect(m.source(for: try #require(IPAddress("10.2.0.1"))) == nil)
        #expect(m.virtualMTAs["v6"]?.sourceAddress == IPAddress("2001:db8::10"))
        #expect(m.virtualMTAs["v6"]?.sourceHostName == "v6.example.com")
        #expect(m.acctFiles.first?.maxSize == ByteSize(bytes: 1 << 30))
        #expect(m.acctFiles.first?.records == [.delivered, .bounced, .feedback])
        #expect(m.acctFiles.first?.deleteAfter == .never)
        #expect(m.acctFiles.first?.moveInterval == .hours(1))
    }

    @Test func regexLiteralsInPatternLists() throws {
        let result = load(#"""
            <virtual-mta v1>
            </virtual-mta>
            <smtp-pattern-list errs>
                reply /421 4\.7\.0/ mode=backoff
                reply /^250 /i mode=normal
                reply /5\.7\.1 blocked/ disable-source-ip=1h bounce-queue
            </smtp-pattern-list>
            <bounce-category-patterns>
                /^5\.1\.1/ bad-mailbox
                /mailbox full/i quota-issues
            </bounce-category-patterns>
            <pattern-list route>
                mail-from /@news\.example\.com$/ virtual-mta=v1
                rcpt-to /@gmail\.com$/ virtual-mta=v1
            </pattern-list>
            """#)
        #expect(lines(result) == [])
        let list = try #require(result.model.smtpPatternLists["errs"])
        #expect(list.rules.map(\.actions) == [[.mode(.backoff)], [.mode(.normal)],
                                              [.disableSourceIP(.hours(1)), .bounceQueue]])
        #expect(list.firstMatch("421 4.7.0 Try again later")?.actions == [.mode(.backoff)])
        #expect(list.firstMatch("250 ok")?.regex.caseInsensitive == true)
        let categories = result.model.bounceCategoryRules
        #expect(categories.map(\.category) == [.badMailbox, .quotaIssues])
        #expect(categories[1].regex.matches("552 Mailbox FULL"))
        let routes = try #require(result.model.patternLists["route"])
        #expect(routes.virtualMTA(mailFrom: "a@news.example.com", rcptTo: "b@x.org") == "v1")
        #expect(routes.virtualMTA(mailFrom: "a@other.com", rcptTo: "b@x.org") == nil)
    }

    @Test func sourcesPickTheMostSpecificBlock() throws {
        let result = load("""
            <source 0/0>
                smtp-service yes
            </source>
            <source 127.0.0.0/8>
                always-allow-relaying yes
            </source>
            <source 127.0.0.1>
                process-x-virtual-mta yes
            </source>
            <source {auth}>
                require-auth yes
            </source>
            """)
        #expect(lines(result) == [])
        let m = result.model
        #expect(m.source(for: try #require(IPAddress("127.0.0.1")))?.processXVirtualMTA == true)
        #expect(m.source(for: try #require(IPAddress("127.0.0.2")))?.alwaysAllowRelaying == true)
        #expect(m.source(for: try #require(IPAddress("192.0.2.1")))?.match == .addresses(try CIDR(parsing: "0/0")))
        #expect(m.source(named: "auth")?.requireAuth == true)
    }

    @Test func globalsAndUsers() {
        let result = load("""
            host-name "mta.example.com"
            postmaster postmaster@example.com
            control-socket /run/sluice.sock
            log-file /var/log/sluice.log
            <source {auth}>
            </source>
            <smtp-user app>
                password "s3cret # not a comment"
                source {auth}
            </smtp-user>
            <smtp-listener 127.0.0.1:587>
                source {auth}
            </smtp-listener>
            <spool /var/spool/sluice>
                delete-file-holders yes
            </spool>
            <mx-rollup-list>
                mx *.google.com gmail.rollup
                mx mx.example.org
            </mx-rollup-list>
            """)
        #expect(lines(result) == [])
        let m = result.model
        #expect(m.hostName == "mta.example.com")
        #expect(m.postmaster == "postmaster@example.com")
        #expect(m.controlSocket == "/run/sluice.sock")
        #expect(m.logFile == "/var/log/sluice.log")
        #expect(m.smtpUsers["app"]?.password == "s3cret # not a comment")
        #expect(m.smtpUsers["app"]?.sourceName == "auth")
        #expect(m.smtpListeners.first?.sourceName == "auth")
        #expect(m.spoolPath == "/var/spool/sluice")
        #expect(m.spools.first?.deleteFileHolders == true)
        let rollup = m.mxRollupLists["default"]
        #expect(rollup?.queueName(forMX: "ALT1.aspmx.l.GOOGLE.com") == "gmail.rollup")
        #expect(rollup?.queueName(forMX: "mx.example.org") == "mx.example.org")
        #expect(rollup?.queueName(forMX: "google.com") == nil)
    }
}
