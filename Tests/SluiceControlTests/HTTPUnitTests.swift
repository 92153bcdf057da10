import Foundation
import SluiceCore
import Testing
@testable import SluiceControlClient
@testable import SluiceControlProtocol
@testable import SluiceControlServer
import SluiceConfig

@Suite("HTTP access, routes and metrics text")
struct HTTPUnitTests {
    @Test func aclFirstMatchWinsAndUnmatchedIsRefused() throws {
        let access = HTTPAccess(rules: [.init(try CIDR(parsing: "127.0.0.1"), .admin), .init(try CIDR(parsing: "127.0.0.0/8"), .monitor)],
                                tokens: ["ops": .init(secret: "0123456789abcdef0123", role: .admin)])
        #expect(access.level(for: IPAddress("127.0.0.1")!) == .admin)
        #expect(access.level(for: IPAddress("127.9.9.9")!) == .monitor)
        #expect(access.level(for: IPAddress("10.0.0.1")!) == .none)
        let good = "Bearer 0123456789abcdef0123"
        #expect(try access.authorize(address: IPAddress("127.0.0.1"), authorization: good, isReadOnly: false).get() == "ops")
        #expect(access.authorize(address: IPAddress("127.0.0.5"), authorization: good, isReadOnly: false) ==
            .failure(.init(status: 403, message: "address 127.0.0.5 has monitor access: read-only")))
        #expect(try access.authorize(address: IPAddress("127.0.0.5"), authorization: good, isReadOnly: true).get() == "ops")
        #expect(access.token(for: "Bearer 0123456789abcdef012") == nil)
        #expect(access.token(for: "Basic 0123456789abcdef0123") == nil)
        #expect(access.token(for: "Bearer ") == nil)
        #expect(HTTPAccess.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!HTTPAccess.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        #expect(!HTTPAccess.constantTimeEqual([], []))
    }

    @Test func constantTimeEqualIsExactForEveryLength() {
        let secret = Array("0123456789abcdef0123".utf8)
        #expect(HTTPAccess.constantTimeEqual(secret, secret))
        // A secret followed by NUL bytes: 256 of them once wrapped an 8-bit length difference to 0.
        for padding in [1, 255, 256, 257, 512, 768, 65536] {
            let padded = secret + [UInt8](repeating: 0, count: padding)
            #expect(!HTTPAccess.constantTimeEqual(secret, padded), "secret + \(padding) NUL")
            #expect(!HTTPAccess.constantTimeEqual(padded, secret), "secret + \(padding) NUL, reversed")
        }
        // Lengths differing by multiples of 256, other contents and a prefix of the secret.
        for extra in [256, 512, 1024] {
            #expect(!HTTPAccess.constantTimeEqual(secret, secret + Array(repeating: UInt8(ascii: "x"), count: extra)))
        }
        #expect(!HTTPAccess.constantTimeEqual(secret, Array(secret.dropLast())))
        #expect(!HTTPAccess.constantTimeEqual(secret, []))
        #expect(!HTTPAccess.constantTimeEqual([], [0]))
        #expect(!HTTPAccess.constantTimeEqual([], [UInt8](repeating: 0, count: 256)))
        var lastByte = secret
        lastByte[lastByte.count - 1] ^= 0x80
        #expect(!HTTPAccess.constantTimeEqual(secret, lastByte))
        let access = HTTPAccess(rules: [], tokens: ["ops": .init(secret: "0123456789abcdef0123", role: .admin)])
        #expect(access.token(for: "Bearer 0123456789abcdef0123" + String(repeating: "\u{0}", count: 256)) == nil)
        #expect(access.token(for: "Bearer 0123456789abcdef0123")?.id == "ops")
    }

    @Test func theLowerOfAddressLevelAndTokenRoleApplies() throws {
        let access = HTTPAccess(rules: [.init(try CIDR(parsing: "127.0.0.1"), .admin), .init(try CIDR(parsing: "127.0.0.0/8"), .monitor)],
                                tokens: ["ops": .init(secret: "0123456789abcdef0123", role: .admin),
                                         "grafana": .init(secret: "fedcba9876543210fedc", role: .monitor)])
        let admin = "Bearer 0123456789abcdef0123", monitor = "Bearer fedcba9876543210fedc"
        #expect(access.token(for: monitor)?.id == "grafana")
        #expect(access.token(for: monitor)?.role == .monitor)
        #expect(access.token(for: admin)?.role == .admin)
        // admin address, monitor token: reads only.
        #expect(try access.authorize(address: IPAddress("127.0.0.1"), authorization: monitor, isReadOnly: true).get() == "grafana")
        #expect(access.authorize(address: IPAddress("127.0.0.1"), authorization: monitor, isReadOnly: false) ==
            .failure(.init(status: 403, message: "token grafana has the monitor role: read-only")))
        // monitor address, admin token: reads only.
        #expect(access.authorize(address: IPAddress("127.0.0.5"), authorization: admin, isReadOnly: false) ==
            .failure(.init(status: 403, message: "address 127.0.0.5 has monitor access: read-only")))
        // both admin: anything.
        #expect(try access.authorize(address: IPAddress("127.0.0.1"), authorization: admin, isReadOnly: false).get() == "ops")
    }

    @Test func accessRulesParse() throws {
        #expect(try HTTPAccess.parseRule("0/0 monitor") == .init(try CIDR(parsing: "0.0.0.0/0"), .monitor))
        #expect(try HTTPAccess.parseRule("127.0.0.1\tADMIN").level == .admin)
        for bad in ["127.0.0.1", "127.0.0.1 root", "300.0.0.1 admin", "a b c"] {
            #expect(throws: ControlError.self, "\(bad)") { _ = try HTTPAccess.parseRule(bad) }
        }
    }

    @Test func tokenFileParses() throws {
        let tokens = try HTTPAccess.parseTokens("# ops team\nops  0123456789abcdef0123\n\ngrafana fedcba9876543210fedc # read\n", file: "t")
        #expect(tokens == ["ops": .init(secret: "0123456789abcdef0123", role: .admin),
                           "grafana": .init(secret: "fedcba9876543210fedc", role: .admin)])
        #expect(throws: ControlError.self) { _ = try HTTPAccess.parseTokens("ops short\n", file: "t") }
        #expect(throws: ControlError.self) { _ = try HTTPAccess.parseTokens("ops\n", file: "t") }
        #expect(throws: ControlError.self) {
            _ = try HTTPAccess.parseTokens("a 0123456789abcdef0123\na 0123456789abcdef0124\n", file: "t")
        }
    }

    @Test func tokenFileGivesEachTokenARole() throws {
        let text = "ops 0123456789abcdef0123 admin\ngrafana\tfedcba9876543210fedc\tMONITOR # scraper\r\nold 00112233445566778899\n"
        #expect(try HTTPAccess.parseTokens(text, file: "/etc/sluice/http-tokens") == [
            "ops": .init(secret: "0123456789abcdef0123", role: .admin),
            "grafana": .init(secret: "fedcba9876543210fedc", role: .monitor),
            "old": .init(secret: "00112233445566778899", role: .admin),
        ])
        let badRole = #expect(throws: ControlError.self) {
            _ = try HTTPAccess.parseTokens("ops 0123456789abcdef0123\n# note\ngrafana fedcba9876543210fedc reader\n",
                                           file: "/etc/sluice/http-tokens")
        }
        #expect(badRole?.code == .usage)
        #expect(badRole?.message == "/etc/sluice/http-tokens:3: role of grafana must be admin or monitor")
        let tooMany = #expect(throws: ControlError.self) {
            _ = try HTTPAccess.parseTokens("ops 0123456789abcdef0123 admin extra\n", file: "t")
        }
        #expect(tooMany?.message == "t:1: expected TOKEN-ID SECRET [admin|monitor]")
    }

    @Test func routesMapToCommands() throws {
        func route(_ m: String, _ uri: String, _ body: String = "") throws -> HTTPRoute {
            try HTTPRoute.route(method: m, uri: uri, body: Array(body.utf8))
        }
        #expect(try route("GET", "/metrics") == .metrics)
        #expect(try route("GET", "/api/v1/metrics") == .metrics)
        #expect(try route("HEAD", "/metrics") == .metrics)
        #expect(try route("HEAD", "/api/v1/metrics") == .metrics)
        #expect(try route("HEAD", "/api/v1/status") == .command(.status, reason: nil, ttlSeconds: nil))
        #expect(try route("HEAD", "/api/v1/topdomains?limit=5") == .command(.topDomains(limit: 5), reason: nil, ttlSeconds: nil))
        #expect(try route("GET", "/api/v1/topdomains?limit=5") == .command(.topDomains(limit: 5), reason: nil, ttlSeconds: nil))
        #expect(try route("GET", "/api/v1/settings/gmail.com%2Fvmta1") ==
            .command(.settings(target: try .domainOrQueue("gmail.com/vmta1")), reason: nil, ttlSeconds: nil))
        #expect(try route("GET", "/api/v1/settings/gmail.com/vmta1") ==
            .command(.settings(target: try .domainOrQueue("gmail.com/vmta1")), reason: nil, ttlSeconds: nil))
        #expect(try route("GET", "/api/v1/events?kind=bounced&queue=gmail.com&limit=3") ==
            .command(.events(filter: EventFilter(kind: "bounced", queue: "gmail.com", limit: 3)), reason: nil, ttlSeconds: nil))
        #expect(try route("POST", "/api/v1/pause", #"{"vmta":"vmta1","reason":"ip warmup","for":"2h"}"#) ==
            .command(.execute(.pause(target: .vmta("vmta1"))), reason: "ip warmup", ttlSeconds: 7200))
        #expect(try route("POST", "/api/v1/pause", #"{"job":"newsletter-2611","reason":"wrong link"}"#) ==
            .command(.execute(.pause(target: .job("newsletter-2611"))), reason: "wrong link", ttlSeconds: nil))
        #expect(try route("POST", "/api/v1/delete", #"{"job":"newsletter-2611","dsn":true}"#) ==
            .command(.execute(.delete(target: .job("newsletter-2611"), asBounces: true)), reason: nil, ttlSeconds: nil))
        #expect(try route("GET", "/api/v1/jobs") == .command(.jobs, reason: nil, ttlSeconds: nil))
        #expect(try route("POST", "/api/v1/replyrule", #"{"target":"yahoo.com","pattern":"TSS04","actions":"disable-source-ip=1h","for":"2h"}"#)
                == .command(.execute(.addReplyRule(target: .domain("yahoo.com"), pattern: "TSS04", actions: "disable-source-ip=1h")),
                            reason: nil, ttlSeconds: 7200))
        #expect(try route("GET", "/api/v1/replyrule?pattern=TSS0%5B0-9%5D") == .command(.replyRuleDryRun(pattern: "TSS0[0-9]"), reason: nil, ttlSeconds: nil))
        #expect(try route("POST", "/api/v1/throttle", #"{"target":"gmail.com/vmta1","settings":{"max-msg-rate":"20/s"},"persist":true}"#) ==
            .command(.execute(.setThrottle(target: try .domainOrQueue("gmail.com/vmta1"),
                                           settings: [.init(directive: "max-msg-rate", value: "20/s")], persist: true)),
                     reason: nil, ttlSeconds: nil))
        #expect(try route("POST", "/api/v1/delete", #"{"target":"gmail.com","dsn":true}"#) ==
            .command(.execute(.delete(target: .domain("gmail.com"), asBounces: true)), reason: nil, ttlSeconds: nil))
        #expect(try route("POST", "/api/v1/reload") == .command(.execute(.reload), reason: nil, ttlSeconds: nil))
        #expect(try route("DELETE", "/api/v1/controls/c7?reason=done") ==
            .command(.execute(.cancelControl(id: "c7")), reason: "done", ttlSeconds: nil))
        func status(_ m: String, _ uri: String, _ body: String = "") -> Int? {
            do { _ = try HTTPRoute.route(method: m, uri: uri, body: Array(body.utf8)); return nil } catch { return error.status }
        }
        #expect(status("GET", "/nope") == 404)
        #expect(status("PUT", "/metrics") == 405)
        #expect(status("POST", "/api/v1/metrics") == 405)
        #expect(status("HEAD", "/api/v1/hold") == 405)
        #expect(status("HEAD", "/nope") == 404)
        #expect(status("GET", "/api/v1/hold") == 405)
        #expect(status("POST", "/api/v1/hold", "not json") == 400)
        #expect(status("POST", "/api/v1/hold", #"{"domain":"gmail.com","for":"soon"}"#) == 400)
        #expect(status("POST", "/api/v1/pause", #"{"queue":"gmail.com"}"#) == 400)
        #expect(status("GET", "/api/v1/topdomains?limit=many") == 400)
    }

    @Test func labelValuesAreEscapedAndParseBack() async throws {
        #expect(PrometheusText.escapeLabelValue(#"a"b\c"# + "\nd") == #"a\"b\\c\nd"#)
        #expect(PrometheusText.format(3) == "3")
        #expect(PrometheusText.format(0.5) == "0.5")
        #expect(PrometheusText.format(.infinity) == "+Inf")
        #expect(PrometheusText.format(.nan) == "NaN")
        let hostile = "evil\"domain\\x\ny"
        var snapshot = await FakeNode().snapshot()
        snapshot.queues[0] = QueueRow(domain: hostile, vmta: "vmta1", figures: snapshot.queues[0].figures)
        let text = MetricsRenderer.render(snapshot, bouncesByCategory: [:])
        #expect(text.split(separator: "\n").allSatisfy { $0.hasPrefix("#") || $0.hasPrefix("sluice_") })
    }

    @Test(Peers.prometheusClient)
    func hostileLabelValuesParseWithPrometheusClient() async throws {
        let python = try #require(prometheusPython)
        let hostile = "evil\"domain\\x\ny"
        var snapshot = await FakeNode().snapshot()
        snapshot.queues[0] = QueueRow(domain: hostile, vmta: "vmta1", figures: snapshot.queues[0].figures)
        let text = MetricsRenderer.render(snapshot, bouncesByCategory: [:])
        let parsed = try await parseWithPrometheusClient(python: python, text: text)
        #expect(parsed["sluice_queue_recipients|domain=\(hostile),node=mx1.test,vmta=vmta1"] == 1200)
        #expect(parsed.keys.contains { $0.hasPrefix("sluice_bounces_by_category_total") } == false)
    }
}
