import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SluiceConfig
import SluiceControlProtocol
import SluiceServer
import Testing

/// The HTTP management API of a running node, with the configuration's `http-access` rules.
@Suite("HTTP management API")
struct ManagementTests {
    /// A node configuration whose `http-access` gives 127.0.0.1 `access`, and options with an
    /// HTTP port and `tokens` as the token file in `dir`.
    private func httpNode(in dir: String, access: String, tokens: String) throws -> (ConfigModel, NodeOptions) {
        let text = testConfiguration(spool: "\(dir)/spool", routes: []) + "http-access 127.0.0.1 \(access)\n"
        var options = testOptions(directory: dir)
        options.httpPort = 0
        options.httpTokenFile = "\(dir)/tokens"
        try tokens.write(toFile: "\(dir)/tokens", atomically: true, encoding: .utf8)
        return (try loadConfiguration(text), options)
    }

    @Test("/metrics and /api/v1/status answer a monitor address with a token; a monitor may not hold")
    func metricsAndStatus() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let (configuration, options) = try httpNode(in: dir, access: "monitor", tokens: "ops 0123456789abcdef0123\n")
        func get(_ url: URL) async throws -> (Data, URLResponse) {
            var request = URLRequest(url: url)
            request.setValue("Bearer 0123456789abcdef0123", forHTTPHeaderField: "Authorization")
            return try await URLSession.shared.data(for: request)
        }
        let node = try await MailNode.start(configuration: configuration, options: options)
        do {
            let port = try #require(await node.httpPort)
            let (metrics, metricsResponse) = try await get(try #require(URL(string: "http://127.0.0.1:\(port)/metrics")))
            #expect((metricsResponse as? HTTPURLResponse)?.statusCode == 200)
            #expect(String(decoding: metrics, as: UTF8.self).contains("sluice_"))
            let (status, statusResponse) = try await get(try #require(URL(string: "http://127.0.0.1:\(port)/api/v1/status")))
            #expect((statusResponse as? HTTPURLResponse)?.statusCode == 200)
            #expect(String(decoding: status, as: UTF8.self).contains("node.test"))
            var hold = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)/api/v1/hold")))
            hold.httpMethod = "POST"
            hold.setValue("Bearer 0123456789abcdef0123", forHTTPHeaderField: "Authorization")
            hold.httpBody = Data(#"{"domain":"example.test","reason":"test"}"#.utf8)
            let (_, holdResponse) = try await URLSession.shared.data(for: hold)
            #expect((holdResponse as? HTTPURLResponse)?.statusCode == 403)
            #expect(await node.snapshot().status.controls.isEmpty)
        } catch {
            await node.shutdown()
            throw error
        }
        await node.shutdown()
    }

    @Test("the token file gives each token a role: a monitor token may read but not hold, an admin token may hold")
    func tokenRoles() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let (configuration, options) = try httpNode(in: dir, access: "admin", tokens: "ops 0123456789abcdef0123 admin\ngrafana fedcba9876543210fedc monitor\n")
        func request(_ method: String, _ path: String, port: Int, secret: String, body: String? = nil) async throws -> Int? {
            let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
            var request = URLRequest(url: url)
            request.httpMethod = method
            request.setValue("Bearer \(secret)", forHTTPHeaderField: "Authorization")
            request.httpBody = body.map { Data($0.utf8) }
            let (_, response) = try await URLSession.shared.data(for: request)
            return (response as? HTTPURLResponse)?.statusCode
        }
        let node = try await MailNode.start(configuration: configuration, options: options)
        do {
            let port = try #require(await node.httpPort)
            let hold = #"{"domain":"example.test","reason":"test"}"#
            #expect(try await request("GET", "/api/v1/status", port: port, secret: "fedcba9876543210fedc") == 200)
            #expect(try await request("HEAD", "/api/v1/metrics", port: port, secret: "fedcba9876543210fedc") == 200)
            #expect(try await request("POST", "/api/v1/hold", port: port, secret: "fedcba9876543210fedc", body: hold) == 403)
            #expect(await node.snapshot().status.controls.isEmpty)
            #expect(try await request("POST", "/api/v1/hold", port: port, secret: "0123456789abcdef0123", body: hold) == 200)
        } catch {
            await node.shutdown()
            throw error
        }
        await node.shutdown()
    }

    @Test("a token file with an unknown role stops the start, naming the file and line")
    func badTokenRole() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let (configuration, options) = try httpNode(in: dir, access: "admin", tokens: "ops 0123456789abcdef0123\ngrafana fedcba9876543210fedc reader\n")
        let error = await #expect(throws: NodeStartError.self) {
            let node = try await MailNode.start(configuration: configuration, options: options)
            await node.shutdown()
        }
        #expect(error.map { "\($0)" }?.contains("\(dir)/tokens:2: role of grafana must be admin or monitor") == true)
    }

    @Test("a throttle set over the HTTP API shows origin http:TOKENID in the settings")
    func httpOverrideOrigin() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let (configuration, options) = try httpNode(in: dir, access: "admin", tokens: "ops 0123456789abcdef0123\n")
        let node = try await MailNode.start(configuration: configuration, options: options)
        do {
            let port = try #require(await node.httpPort)
            var set = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)/api/v1/throttle")))
            set.httpMethod = "POST"
            set.setValue("Bearer 0123456789abcdef0123", forHTTPHeaderField: "Authorization")
            set.httpBody = Data(#"{"target":"example.test","settings":{"max-msg-rate":"3/s"},"reason":"test"}"#.utf8)
            let (_, setResponse) = try await URLSession.shared.data(for: set)
            #expect((setResponse as? HTTPURLResponse)?.statusCode == 200)
            var get = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)/api/v1/settings/example.test")))
            get.setValue("Bearer 0123456789abcdef0123", forHTTPHeaderField: "Authorization")
            let (body, _) = try await URLSession.shared.data(for: get)
            let snapshot = try JSONDecoder().decode(SettingsSnapshot.self, from: body)
            let entry = try #require(snapshot.entries.first { $0.name == "max-msg-rate" })
            #expect(entry.value == "3/s")
            #expect(entry.origin == "http:ops")
        } catch {
            await node.shutdown()
            throw error
        }
        await node.shutdown()
    }
}
