import Foundation
import SluiceCore
import Testing
@testable import SluiceControlClient
@testable import SluiceControlProtocol
@testable import SluiceControlServer
import SluiceConfig

@Suite("HTTP management API")
struct ManagementHTTPTests {
    static let adminToken = "admin-secret-0123456789"
    static let monitorToken = "monitor-secret-0123456789"

    /// 127.0.0.1 is admin, 127.0.0.3 monitor, the rest of 127/8 refused.
    static func start(node: FakeNode = FakeNode(), audit: AuditLog? = nil) async throws -> (ManagementHTTPServer, FakeNode) {
        let access = HTTPAccess(rules: [.init(try CIDR(parsing: "127.0.0.1"), .admin),
                                        .init(try CIDR(parsing: "127.0.0.3/32"), .monitor),
                                        .init(try CIDR(parsing: "127.0.0.0/8"), .none)],
                                tokens: ["ops": .init(secret: adminToken, role: .admin),
                                         "grafana": .init(secret: monitorToken, role: .monitor)])
        let service = ControlService(node: node, auditLog: audit)
        let server = try await ManagementHTTPServer.start(host: "127.0.0.1", port: 0, access: access, service: service)
        return (server, node)
    }

    @Test func requestWithoutTokenIs401() async throws {
        let (server, _) = try await Self.start()
        defer { Task { await server.close() } }
        let r = try await httpRequestAsync(port: server.port, path: "/api/v1/status")
        #expect(r.status == 401)
        #expect(r.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        let wrong = try await httpRequestAsync(port: server.port, path: "/api/v1/status", token: "admin-secret-0123456788")
        #expect(wrong.status == 401)
    }

    /// Clients holding connections open get at most ``ManagementHTTPServer/maximumConnections``;
    /// one more is answered 503 and closed, and a freed place is served again.
    @Test func connectionsOverTheLimitGet503() async throws {
        let (server, _) = try await Self.start()
        defer { Task { await server.close() } }
        var idle: [Int32] = []
        defer { for fd in idle { close(fd) } }
        for _ in 0..<ManagementHTTPServer.maximumConnections { idle.append(try connectTCP(port: server.port)) }
        // The server counts a connection once it has accepted it: wait until it refuses.
        var refused: TestHTTPResponse?
        for _ in 0..<200 where refused == nil {
            let r = try await httpRequestAsync(port: server.port, path: "/api/v1/status", token: Self.adminToken)
            if r.status == 503 { refused = r }
        }
        #expect(refused?.status == 503)
        close(idle.removeLast())
        var served = false
        for _ in 0..<200 where !served {
            served = try await httpRequestAsync(port: server.port, path: "/api/v1/status", token: Self.adminToken).status == 200
        }
        #expect(served)
    }

    @Test func addressRefusedByACLIs403EvenWithAToken() async throws {
        let (server, _) = try await Self.start()
        defer { Task { await server.close() } }
        let r = try await httpRequestAsync(port: server.port, from: "127.0.0.2", path: "/api/v1/status", token: Self.adminToken)
        #expect(r.status == 403)
        #expect((r.json?["error"] as? [String: Any])?["code"] as? String == "permission-denied")
    }

    @Test func monitorMayReadButNotChange() async throws {
        let (server, node) = try await Self.start()
        defer { Task { await server.close() } }
        let read = try await httpRequestAsync(port: server.port, from: "127.0.0.3", path: "/api/v1/domains", token: Self.monitorToken)
        #expect(read.status == 200)
        #expect((read.json?["domains"] as? [Any])?.count == 2)
        let write = try await httpRequestAsync(port: server.port, from: "127.0.0.3", method: "POST", path: "/api/v1/hold",
                                    token: Self.adminToken, body: #"{"domain":"gmail.com","reason":"test"}"#)
        #expect(write.status == 403)
        #expect(await node.executedCount() == 0)
    }

    @Test func monitorTokenIsRefusedAPostEvenFromAnAdminAddress() async throws {
        let (server, node) = try await Self.start()
        defer { Task { await server.close() } }
        let read = try await httpRequestAsync(port: server.port, path: "/api/v1/domains", token: Self.monitorToken)
        #expect(read.status == 200)
        #expect((read.json?["domains"] as? [Any])?.count == 2)
        let write = try await httpRequestAsync(port: server.port, method: "POST", path: "/api/v1/hold",
                                               token: Self.monitorToken, body: #"{"domain":"gmail.com","reason":"test"}"#)
        #expect(write.status == 403)
        let error = write.json?["error"] as? [String: Any]
        #expect(error?["code"] as? String == "permission-denied")
        #expect(error?["message"] as? String == "token grafana has the monitor role: read-only")
        let cancel = try await httpRequestAsync(port: server.port, method: "DELETE", path: "/api/v1/controls/c1?reason=x",
                                                token: Self.monitorToken)
        #expect(cancel.status == 403)
        #expect(await node.executedCount() == 0)
        let admin = try await httpRequestAsync(port: server.port, method: "POST", path: "/api/v1/hold",
                                               token: Self.adminToken, body: #"{"domain":"gmail.com","reason":"test"}"#)
        #expect(admin.status == 200)
        #expect(await node.executedCount() == 1)
    }

    @Test func headAnswersWithTheHeadersOfGetAndNoBody() async throws {
        let (server, _) = try await Self.start()
        defer { Task { await server.close() } }
        for path in ["/metrics", "/api/v1/metrics", "/api/v1/domains", "/api/v1/topdomains?limit=1"] {
            let get = try await httpRequestAsync(port: server.port, path: path, token: Self.monitorToken)
            let head = try await httpRequestAsync(port: server.port, method: "HEAD", path: path, token: Self.monitorToken)
            #expect(get.status == 200, "GET \(path)")
            #expect(head.status == 200, "HEAD \(path)")
            #expect(head.body.isEmpty, "HEAD \(path)")
            #expect(!get.body.isEmpty, "GET \(path)")
            #expect(head.headers["content-length"] == String(get.body.utf8.count), "HEAD \(path)")
            #expect(head.headers["content-type"] == get.headers["content-type"], "HEAD \(path)")
        }
        let refused = try await httpRequestAsync(port: server.port, method: "HEAD", path: "/api/v1/status")
        #expect(refused.status == 401)
        #expect(refused.body.isEmpty)
        #expect(Int(refused.headers["content-length"] ?? "") ?? 0 > 0)
        let wrongMethod = try await httpRequestAsync(port: server.port, method: "HEAD", path: "/api/v1/hold", token: Self.adminToken)
        #expect(wrongMethod.status == 405)
    }

    @Test func metricsAreServedAtTheDocumentedAPIPath() async throws {
        let (server, _) = try await Self.start()
        defer { Task { await server.close() } }
        let api = try await httpRequestAsync(port: server.port, path: "/api/v1/metrics", token: Self.monitorToken)
        #expect(api.status == 200)
        #expect(api.headers["content-type"] == MetricsRenderer.contentType)
        #expect(api.body.contains("sluice_messages_received_total{node=\"mx1.test\"} 9000"))
        let plain = try await httpRequestAsync(port: server.port, path: "/metrics", token: Self.monitorToken)
        #expect(plain.body == api.body)
    }

    @Test(arguments: [
        "NOT AN HTTP REQUEST\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n",
        "POST /api/v1/hold HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nnot-a-chunk-size\r\n",
    ])
    func malformedRequestGets400AndTheConnectionIsClosed(request: String) async throws {
        let (server, _) = try await Self.start()
        defer { Task { await server.close() } }
        // The read gives up after 10 s, well before the 30 s request timeout: only a close ends it.
        let exchange = try await rawHTTPExchange(port: server.port, request: Array(request.utf8), timeoutSeconds: 10)
        #expect(exchange.closedByServer)
        #expect(exchange.response.hasPrefix("HTTP/1.1 400"))
        #expect(exchange.response.lowercased().contains("\r\nconnection: close\r\n"))
        #expect(exchange.response.contains("malformed HTTP request"))
    }

    @Test func badBodyGets400AndTheKeepAliveConnectionIsClosed() async throws {
        let (server, node) = try await Self.start()
        defer { Task { await server.close() } }
        let body = "not json"
        let request = "POST /api/v1/hold HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(Self.adminToken)\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let exchange = try await rawHTTPExchange(port: server.port, request: Array(request.utf8), timeoutSeconds: 10)
        #expect(exchange.closedByServer)
        #expect(exchange.response.hasPrefix("HTTP/1.1 400"))
        #expect(exchange.response.lowercased().contains("\r\nconnection: close\r\n"))
        #expect(await node.executedCount() == 0)
    }

    @Test func adminWithTokenMayHoldAndTheActorIsTheToken() async throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let audit = try AuditLog(path: dir + "/audit.log")
        let (server, node) = try await Self.start(audit: audit)
        defer { Task { await server.close() } }
        let r = try await httpRequestAsync(port: server.port, method: "POST", path: "/api/v1/hold", token: Self.adminToken,
                                body: #"{"domain":"gmail.com","reason":"spam complaints","for":"30m"}"#)
        #expect(r.status == 200)
        #expect(r.json?["message"] as? String == "held gmail.com")
        let (command, context) = try #require(await node.lastCommand())
        #expect(command == .hold(domain: "gmail.com"))
        #expect(context.actor == .token("ops"))
        #expect(context.actor.label == "http:ops")
        #expect(context.expiresAt.map { $0 - context.issuedAt } == 1800)
        let line = try String(contentsOfFile: dir + "/audit.log", encoding: .utf8)
        #expect(line.contains("\"token_id\":\"ops\""))
        #expect(line.contains("spam complaints"))
    }

    @Test func httpClientsMustGiveAReason() async throws {
        let (server, node) = try await Self.start()
        defer { Task { await server.close() } }
        let r = try await httpRequestAsync(port: server.port, method: "POST", path: "/api/v1/hold", token: Self.adminToken,
                                body: #"{"domain":"gmail.com"}"#)
        #expect(r.status == 400)
        #expect(await node.executedCount() == 0)
    }

    @Test func errorsMapToStatuses() async throws {
        let (server, _) = try await Self.start()
        defer { Task { await server.close() } }
        let unknown = try await httpRequestAsync(port: server.port, path: "/api/v1/settings/nosuch.example/vmta9", token: Self.adminToken)
        #expect(unknown.status == 404)
        #expect((unknown.json?["error"] as? [String: Any])?["code"] as? String == "unknown-queue")
        let settings = try await httpRequestAsync(port: server.port, path: "/api/v1/settings/gmail.com/vmta1", token: Self.adminToken)
        #expect(settings.status == 200)
        #expect(settings.json?["queue"] as? String == "gmail.com/vmta1")
        let noSuchPath = try await httpRequestAsync(port: server.port, path: "/api/v1/frobnicate", token: Self.adminToken)
        #expect(noSuchPath.status == 404)
        let badThrottle = try await httpRequestAsync(port: server.port, method: "POST", path: "/api/v1/throttle", token: Self.adminToken,
                                          body: #"{"target":"gmail.com","settings":{"bounce-after":"1d"},"reason":"x"}"#)
        #expect(badThrottle.status == 422)
        let wrongMethod = try await httpRequestAsync(port: server.port, method: "POST", path: "/api/v1/status", token: Self.adminToken)
        #expect(wrongMethod.status == 405)
    }

    @Test func refusesNonLoopbackUnlessConfigured() async throws {
        let access = HTTPAccess(rules: [], tokens: [:])
        let service = ControlService(node: FakeNode(), auditLog: nil)
        let error = await #expect(throws: ControlError.self) {
            _ = try await ManagementHTTPServer.start(host: "0.0.0.0", port: 0, access: access, service: service)
        }
        #expect(error?.code == .usage)
    }

    @Test(Peers.prometheusClient)
    func metricsParseWithPrometheusClient() async throws {
        let python = try #require(prometheusPython)
        let (server, _) = try await Self.start()
        defer { Task { await server.close() } }
        let r = try await httpRequestAsync(port: server.port, path: "/metrics", token: Self.monitorToken)
        #expect(r.status == 200)
        #expect(r.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let parsed = try await parseWithPrometheusClient(python: python, text: r.body)
        #expect(parsed["sluice_messages_received_total|node=mx1.test"] == 9000)
        #expect(parsed["sluice_recipients_delivered_total|domain=gmail.com,node=mx1.test,vmta=vmta1"] == 500)
        #expect(parsed["sluice_queue_recipients|domain=gmail.com,node=mx1.test,vmta=vmta2"] == 1200)
        #expect(parsed["sluice_bounces_by_category_total|category=bad-mailbox,node=mx1.test"] == 7)
        #expect(parsed["sluice_queue_mode|domain=yahoo.com,mode=normal,node=mx1.test,vmta=vmta1"] == 1)
        #expect(parsed["sluice_queue_mode|domain=yahoo.com,mode=backoff,node=mx1.test,vmta=vmta1"] == 0)
    }
}

/// Parses Prometheus text with Python's prometheus_client and returns `name|k=v,…` → value.
func parseWithPrometheusClient(python: String, text: String) async throws -> [String: Double] {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try text.write(toFile: dir + "/metrics.txt", atomically: true, encoding: .utf8)
    let script = """
    import json, sys
    try:
        from prometheus_client.parser import text_string_to_metric_families
    except ImportError:
        print(json.dumps({"error": "prometheus_client is not installed: python3 -m pip install prometheus_client"})); sys.exit(0)
    out = {}
    for family in text_string_to_metric_families(open(sys.argv[1]).read()):
        for s in family.samples:
            key = s.name + "|" + ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
            out[key] = s.value
    print(json.dumps(out))
    """
    let output = try await offPool { try runProcess(python, ["-c", script, dir + "/metrics.txt"]) }
    guard let object = jsonObject(output) else { throw RawSocketError("prometheus_client failed: \(output)") }
    if let error = object["error"] as? String { throw RawSocketError(error) }
    return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
}
