import Foundation
import Testing
@testable import SluiceControl
import SluiceConfig

@Suite("HTTP access, routes and metrics text")
struct HTTPUnitTests {
    @Test func aclFirstMatchWinsAndUnmatchedIsRefused() throws {
        let access = HTTPAccess(rules: [.init(try CIDR(parsing: "127.0.0.1"), .admin), .init(try CIDR(parsing: "127.0.0.0/8"), .monitor)],
                                tokens: ["ops": "0123456789abcdef0123"])
        #expect(access.level(for: IPAddress("127.0.0.1")!) == .admin)
        #expect(access.level(for: IPAddress("127.9.9.9")!) == .monitor)
        #expect(access.level(for: IPAddress("10.0.0.1")!) == .none)
        let good = "Bearer 0123456789abcdef0123"
        #expect(try access.authorize(address: IPAddress("127.0.0.1"), authorization: good, isReadOnly: false).get() == "ops")
        #expect(access.authorize(address: IPAddress("127.0.0.5"), authorization: good, isReadOnly: false) ==
            .failure(.init(status: 403, message: "address 127.0.0.5 has monitor access: read-only")))
        #expect(try access.authorize(address: IPAddress("127.0.0.5"), authorization: good, isReadOnly: true).get() == "ops")
        #expect(access.tokenID(for: "Bearer 0123456789abcdef012") == nil)
        #expect(access.tokenID(for: "Basic 0123456789abcdef0123") == nil)
        #expect(access.tokenID(for: "Bearer ") == nil)
        #expect(HTTPAccess.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!HTTPAccess.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        #expect(!HTTPAccess.constantTimeEqual([], []))
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
        #expect(tokens == ["ops": "0123456789abcdef0123", "grafana": "fedcba9876543210fedc"])
        #expect(throws: ControlError.self) { _ = try HTTPAccess.parseTokens("ops short\n", file: "t") }
        #expect(throws: ControlError.self) { _ = try HTTPAccess.parseTokens("ops\n", file: "t") }
        #expect(throws: ControlError.self) {
            _ = try HTTPAccess.parseTokens("a 0123456789abcdef0123\na 0123456789abcdef0124\n", file: "t")
        }
    }

    @Test func routesMapToCommands() throws {
        func route(_ m: String, _ uri: String, _ body: String = "") throws -> HTTPRoute {
            try HTTPRoute.route(method: m, uri: uri, body: Array(body.utf8))
        }
        #expect(try route("GET", "/metrics") == .metrics)
        #expect(try route("GET", "/api/v1/topdomains?limit=5") == .command(.topDomains(limit: 5), reason: nil, ttlSeconds: nil))
        #expect(try route("GET", "/api/v1/settings/gmail.com%2Fvmta1") ==
            .command(.settings(target: try .domainOrQueue("gmail.com/vmta1")), reason: nil, ttlSeconds: nil))
        #expect(try route("GET", "/api/v1/settings/gmail.com/vmta1") ==
            .command(.settings(target: try .domainOrQueue("gmail.com/vmta1")), reason: nil, ttlSeconds: nil))
        #expect(try route("GET", "/api/v1/events?kind=bounced&queue=gmail.com&limit=3") ==
            .command(.events(filter: EventFilter(kind: "bounced", queue: "gmail.com", limit: 3)), reason: nil, ttlSeconds: nil))
        #expect(try route("POST", "/api/v1/pause", #"{"vmta":"vmta1","reason":"ip warmup","for":"2h"}"#) ==
            .command(.execute(.pause(target: .vmta("vmta1"))), reason: "ip warmup", ttlSeconds: 7200))
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
        guard let python = findExecutable("python3") else {
            print("skipping the prometheus_client check: python3 is not installed")
            return
        }
        let parsed = try await parseWithPrometheusClient(python: python, text: text)
        #expect(parsed["sluice_queue_recipients|domain=\(hostile),node=mx1.test,vmta=vmta1"] == 1200)
        #expect(parsed.keys.contains { $0.hasPrefix("sluice_bounces_by_category_total") } == false)
    }
}
