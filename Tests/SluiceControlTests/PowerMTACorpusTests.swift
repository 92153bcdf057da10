import Foundation
import SluiceConfig
import Testing
@testable import SluiceControlClient
@testable import SluiceControlProtocol
@testable import SluiceControlServer

/// The compatibility corpus (Tests/SluiceControlTests/PowerMTACorpus): configuration files written
/// from PowerMTA's documented syntax and the idioms of real configurations. Each loads with no
/// error, warns only about what docs/pmta-compat.md lists as not supported, and gives the
/// effective settings `sluice show settings --config` prints, with their origins.
@Suite("PowerMTA compatibility corpus")
struct PowerMTACorpusTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("PowerMTACorpus")

    static let files = ["esp.conf", "stock-sample.conf"]

    private func load(_ name: String) -> ConfigLoadResult {
        ConfigLoader.load(path: Self.directory.appendingPathComponent(name).path)
    }

    /// What `sluice show settings QUEUE --config FILE` shows: name → (value, origin).
    private func settings(_ result: ConfigLoadResult, _ queue: String) -> [String: (value: String, origin: String)] {
        let parts = queue.split(separator: "/").map(String.init)
        let snapshot = SettingsSnapshot(queue: queue, settings: result.model.effectiveSettings(
            domain: parts[0], vmta: parts.count == 2 ? parts[1] : nil))
        var table: [String: (String, String)] = [:]
        for entry in snapshot.entries {
            // Origins are FILE:LINE with the path as given; keep the file's name.
            let origin = entry.origin.split(separator: "/").last.map(String.init) ?? entry.origin
            table[entry.name] = (entry.value, origin)
        }
        return table
    }

    /// The 1-based line of `esp.conf` (or another file) that holds `text`, for origins.
    private func line(_ text: String, in name: String, after marker: String? = nil) throws -> Int {
        let lines = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
            .components(separatedBy: "\n")
        let start = try marker.map { m in try #require(lines.firstIndex { $0.contains(m) }) } ?? 0
        return try #require(lines[start...].firstIndex { $0.contains(text) }) + 1
    }

    @Test("every file loads with no error; warnings name only what docs/pmta-compat.md says is not supported",
          arguments: files)
    func loadsCleanly(_ name: String) throws {
        let result = load(name)
        #expect(result.errors.isEmpty, "\(result.errors.map(\.description))")
        let document = try String(contentsOf: Self.directory.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/pmta-compat.md"), encoding: .utf8)
        let notSupported = document.components(separatedBy: "## Not supported, ignored").last ?? ""
        for warning in result.warnings {
            let text = warning.message
            if text.contains("names one of PowerMTA's internal queues") { continue }
            let anchor = text.range(of: "docs/pmta-compat.md#").map { String(text[$0.upperBound...].prefix { $0 != ")" }) }
            #expect(anchor.map { notSupported.contains("<a id=\"\($0)\"></a>") } == true, "\(warning)")
        }
    }

    @Test("domain macros with suffixes, in lists, continued lists and pairs resolve to each domain")
    func macros() throws {
        let result = load("esp.conf")
        let gmailLine = try line("max-smtp-out 10", in: "esp.conf")
        for domain in ["gmail.com", "googlemail.com"] {
            let s = settings(result, domain)
            #expect(s["max-smtp-out"]?.value == "10")
            #expect(s["max-smtp-out"]?.origin == "esp.conf:\(gmailLine)")
            #expect(s["max-connect-rate"]?.value == "5/m")
            #expect(s["max-rcpt-per-transaction"]?.value == "100")
            #expect(s["smtp-pattern-list"]?.value == "blocking-errors")
        }
        let msLine = try line("max-smtp-out 6", in: "esp.conf")
        for domain in ["hotmail.com", "outlook.co.uk", "live.com", "msn.co.uk"] {
            #expect(settings(result, domain)["max-smtp-out"].map { "\($0.value) \($0.origin)" } == "6 esp.conf:\(msLine)")
            #expect(settings(result, domain)["bounce-after"]?.value == "2d")
        }
        #expect(settings(result, "aol.co.uk")["max-smtp-out"]?.value == "4")
        #expect(settings(result, "example.org")["max-smtp-out"]?.value == "20")
        #expect(result.model.domainMacros["bigfour"] == ["gmail.com", "googlemail.com", "yahoo.com"])
        #expect(result.model.domainMacros["long"]?.count == 600)
        #expect(settings(result, "d599.test")["max-smtp-out"]?.origin == "long-line.conf:4")
    }

    @Test("the <domain *> defaults carry the directives real files use most, each with its origin")
    func wildcardDefaults() throws {
        let s = settings(load("esp.conf"), "example.org")
        let expected: [(String, String, String)] = [
            ("bounce-upon-no-mx", "yes", "bounce-upon-no-mx yes"),
            ("max-errors-per-connection", "10", "max-errors-per-connection 10"),
            ("assume-delivery-upon-data-termination-timeout", "yes", "assume-delivery-upon-data-termination-timeout"),
            ("smtp-421-means-mx-unavailable", "yes", "smtp-421-means-mx-unavailable"),
            ("smtp-553-means-invalid-mailbox", "yes", "smtp-553-means-invalid-mailbox"),
            ("bounce-upon-5xx-greeting", "yes", "bounce-upon-5xx-greeting"),
            ("bounce-after", "4d12h", "bounce-after 4d12h"),
        ]
        for (name, value, text) in expected {
            #expect(s[name]?.value == value, "\(name)")
            #expect(s[name]?.origin == "esp.conf:\(try line(text, in: "esp.conf"))", "\(name)")
        }
        let yahoo = settings(load("esp.conf"), "yahoo.com")
        #expect(yahoo["max-smtp-retries"]?.value == "5")
        #expect(yahoo["max-smtp-out-per-ip"]?.value == "2")
        #expect(yahoo["mx-connection-attempts"]?.value == "2")
        #expect(settings(load("esp.conf"), "discard.esp.test")["type"]?.value == "discard")
        #expect(settings(load("esp.conf"), "relay.esp.test")["smtp-hosts"]?.value == "lookup-mx:gmail.com")
    }

    @Test("the mx-rollup queue is shared by every domain whose MX matches, and queue-to joins it")
    func rollupQueue() throws {
        let result = load("esp.conf")
        let table = result.model.mxRollupTable
        #expect(table.queueName(forExchanges: ["mta5.am0.yahoodns.net"]) == "yahoo.rollup")
        #expect(table.queueName(forExchanges: ["mta7.am0.yahoodns.net", "mta6.am0.yahoodns.net"]) == "yahoo.rollup")
        #expect(table.queueName(forExchanges: ["example-com.mail.protection.outlook.com"]) == "*.outlook.com")
        #expect(table.queueName(forExchanges: ["gmail-smtp-in.l.google.com"]) == nil)
        let rollup = settings(result, "yahoo.rollup")
        #expect(rollup["max-smtp-out"]?.value == "30")
        #expect(rollup["max-smtp-out"]?.origin == "esp.conf:\(try line("max-smtp-out 30", in: "esp.conf"))")
        #expect(settings(result, "ymail.com")["queue-to"]?.value == "yahoo.rollup")
    }

    @Test("a <domain> nested in a pool applies to its members only; a vmta's own block over it")
    func poolNestedDomains() throws {
        let result = load("esp.conf")
        let poolLine = try line("max-smtp-out 3", in: "esp.conf")
        for vmta in ["vmta1", "vmta2"] {
            #expect(settings(result, "yahoo.com/\(vmta)")["max-smtp-out"].map { "\($0.value) \($0.origin)" }
                    == "3 esp.conf:\(poolLine)")
        }
        #expect(settings(result, "yahoo.com/vmta3")["max-smtp-out"]?.value == "20")
        #expect(settings(result, "yahoo.com")["max-smtp-out"]?.value == "20")
        #expect(settings(result, "gmail.com/vmta1")["max-msg-rate"]?.value == "400/h")
        #expect(settings(result, "gmail.com/vmta2")["max-msg-rate"]?.value == "unlimited")
    }

    @Test("sources, listeners, accounting, patterns and bounce categories reach the model")
    func restOfTheModel() throws {
        let model = load("esp.conf").model
        let loopback = try #require(IPAddress("127.0.0.1"))
        let local = try #require(model.source(for: loopback))
        #expect(local.removeReceivedHeaders == true)
        #expect(local.removedHeaders == ["X-Internal-Route", "X-Sender-Account"])
        #expect(local.maxMessageSize == .unlimited)
        #expect(model.jobIDHeader == "X-Campaign-ID")
        #expect(model.relayDomains == ["fbl.esp.test"])
        #expect(model.acctFiles.count == 3)
        #expect(model.acctFiles.first?.records.map(\.rawValue).sorted() == ["b", "d", "rb", "rs"])
        let categories = model.bounceCategoryRules.map(\.category.rawValue)
        #expect(categories.first == "spam-related")
        #expect(categories.contains("AOL-RTR-block"))
        #expect(categories.last == "other")
        #expect(model.smtpPatternLists["blocking-errors"]?.rules.count == 3)
    }

    @Test("inbound: a tls=yes listener with the certificate, a source group, a rewrite list, a user with its source, the processors, record-fields")
    func inbound() throws {
        let model = load("esp.conf").model
        #expect(model.smtpServerTLSCertificate?.path == "/etc/pmta/mta1.pem")
        #expect(model.smtpListeners.map(\.implicitTLS) == [false, true])
        #expect(model.sourceGroups["injectors"]?.maxSMTPIn == 40)
        let ten = try #require(IPAddress("127.0.0.10"))
        #expect(model.source(for: ten)?.sourceGroup == "injectors")
        #expect(model.rewriteLists["mfrom"]?.rules.map { "\($0.pattern) \($0.replacement)" } == ["*@esp.test *@bounces.esp.test"])
        #expect(model.smtpUsers["app1"]?.sourceName == "auth")
        #expect(model.source(named: "auth")?.alwaysAllowRelaying == true)
        #expect(model.inboundProcessors.map(\.addresses.domains) == [["bounces.esp.test"], ["fbl.esp.test"]])
        let bounces = try #require(model.acctFiles.last)
        #expect(bounces.recordFields.first?.columns.map(\.description)
                == ["timeLogged", "rcpt", "bounceCat", "dsnDiag", "header_X-Mailer-LID"])
        #expect(bounces.recordFields.last?.columns.contains { $0.description == "dsnMta" } == false)
        #expect(bounces.worldReadable)
    }

    @Test("the stock sample: CRLF, a byte-order mark, tabs, no final newline, a comment right after a value")
    func stockSample() throws {
        let raw = try Data(contentsOf: Self.directory.appendingPathComponent("stock-sample.conf"))
        #expect(raw.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(raw.contains(0x0D) && raw.last != 0x0A)
        let result = load("stock-sample.conf")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.description))")
        #expect(settings(result, "example.org")["max-smtp-out"].map { "\($0.value) \($0.origin)" } == "20 stock-sample.conf:11")
        #expect(settings(result, "example.org")["retry-after"]?.value == "10m,20m,1h")
        #expect(settings(result, "example.test")["max-smtp-out"]?.value == "2")
        #expect(result.model.postmaster == "postmaster@sample.test")
    }
}
