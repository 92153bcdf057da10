import Foundation
import RedisTestSupport
import SluiceConfig
import SluiceConsole
import SluiceCore
import SluiceControlClient
import SluiceControlProtocol
import SluiceServer
import Testing

/// Three nodes with a `<cluster>` block against a redis-server the test starts: operator actions
/// given on one node, or typed in the fleet console, apply on all three.
@Suite("Fleet-wide operator actions through redis", .serialized,
       .enabled(if: RedisServerProcess.available, "redis-server is not installed (apt-get install redis-server)"))
struct FleetActionTests {
    static let names = ["a", "b", "c"]
    let cli = ControlActor(uid: 0, user: "root", tokenID: nil, label: "cli")

    func configuration(_ dir: String, node: String, redisPort: Int, sinkPort: Int) throws -> ConfigModel {
        try loadConfiguration(testConfiguration(spool: "\(dir)/\(node)/spool", routes: [("shared.test", sinkPort)]) + clusterBlock(node: node, redisPort: redisPort))
    }

    /// Starts node `name` in `dir/name` (its spool kept between starts).
    func start(_ name: String, _ dir: String, redis: RedisServerProcess, sink: SinkProcess) async throws -> MailNode {
        try FileManager.default.createDirectory(atPath: "\(dir)/\(name)", withIntermediateDirectories: true)
        return try await MailNode.start(configuration: try configuration(dir, node: name, redisPort: redis.port, sinkPort: sink.port),
                                        options: testOptions(directory: "\(dir)/\(name)"))
    }

    func controls(_ node: MailNode) async -> [ControlInfo] { await node.snapshot().status.controls }

    func holds(_ node: MailNode, _ domain: String) async -> Bool {
        await controls(node).contains { $0.kind == .hold && $0.target == domain }
    }

    @Test("a hold typed in the fleet console holds the domain on all three nodes within 1 s; new transactions wait until a release on one node ends it everywhere",
          Peers.smtpSink, Peers.python3)
    func holdFromTheFleetConsole() async throws {
        try await withFleetPeers { peers in
            let (dir, redis, sink) = (peers.dir, peers.redis, peers.sink)
            var nodes: [MailNode] = []
            for name in Self.names { nodes.append(try await start(name, dir, redis: redis, sink: sink)) }
            do {
                let collectors = nodes.map(EventCollector.init)
                try await waitForLiveNodes(nodes)
                var members: [FleetDataSource.Member] = []
                for (name, node) in zip(Self.names, nodes) {
                    let socket = try #require(await node.controlSocketPath)
                    members.append(.init(name: name, source: ControlDataSource(endpoint: ControlClient(socketPath: socket, client: "console"))))
                }
                let console = FleetDataSource(members: members)

                let typed = ContinuousClock.now
                let answer = await console.perform(.holdDomain(domain: "shared.test", reason: "TSS04 drill", ttl: nil))
                #expect((try? answer.get())?.contains("on 3 nodes") == true, "\(answer)")
                try await waitUntil("held on a, b and c") {
                    for node in nodes where !(await holds(node, "shared.test")) { return false }
                    return true
                }
                let delay = ContinuousClock.now - typed
                #expect(delay < .seconds(1), "held on every node \(delay) after the request")

                for node in nodes {
                    let port = try #require(await node.smtpPorts.first)
                    _ = try await Injector.send((0..<5).map { .init(to: ["r\($0)@shared.test"]) }, port: port)
                }
                try await waitUntil("5 queued on every node") {
                    for node in nodes where (await node.snapshot().domains.first { $0.name == "shared.test" }?.figures.queued ?? 0) < 5 {
                        return false
                    }
                    return true
                }
                #expect(collectors.allSatisfy { $0.events(kind: "delivered").isEmpty }, "nothing is sent while held")

                let released = try await nodes[1].controlService.handle(.execute(.release(domain: "shared.test")), reason: "over",
                                                                       by: cli)
                if case .outcome(let outcome) = released { #expect(outcome.message.contains("shared with the fleet")) }
                try await waitUntil("released everywhere, every message delivered") {
                    for node in nodes where await holds(node, "shared.test") { return false }
                    return collectors.reduce(0) { $0 + $1.events(kind: "delivered").count } == 15
                }
            } catch {
                for node in nodes { await node.shutdown() }
                throw error
            }
            for node in nodes { await node.shutdown() }
        }
    }

    @Test("a hold given on one node's CLI reaches the others through redis, recorded with its origin; a node restarted after the fleet released it and set a throttle takes both",
          Peers.smtpSink, Peers.python3)
    func throughRedisAndAcrossARestart() async throws {
        try await withFleetPeers { peers in
            let (dir, redis, sink) = (peers.dir, peers.redis, peers.sink)
            var nodes: [MailNode] = []
            for name in Self.names { nodes.append(try await start(name, dir, redis: redis, sink: sink)) }
            do {
                try await waitForLiveNodes(nodes)
                // Only node a is asked: b and c learn it from redis.
                _ = try await nodes[0].controlService.handle(.execute(.hold(domain: "shared.test")), reason: "TSS04", ttlSeconds: 3_600,
                                                             by: cli)
                try await waitUntil("b and c hold shared.test") {
                    let (b, c) = (await holds(nodes[1], "shared.test"), await holds(nodes[2], "shared.test"))
                    return b && c
                }
                let onB = try #require(await controls(nodes[1]).first { $0.kind == .hold })
                #expect(onB.who.contains("fleet:a/cli") && onB.why.contains("TSS04") && onB.why.contains("from a"), "\(onB)")
                let expiry = try #require(onB.expiresAt)
                #expect(abs(expiry - (await controls(nodes[0]).first { $0.kind == .hold }?.expiresAt ?? 0)) < 5, "the TTL travels")

                // c goes away; meanwhile b releases the hold and c's peers get a throttle.
                await nodes[2].shutdown()
                _ = try await nodes[1].controlService.handle(.execute(.release(domain: "shared.test")), reason: "over", by: cli)
                _ = try await nodes[0].controlService.handle(
                    .execute(.setThrottle(target: .domain("shared.test"), settings: [ThrottleSetting(directive: "max-msg-rate", value: "5/s")],
                                          persist: false)), reason: "slow down", by: cli)
                try await waitUntil("a released") { !(await holds(nodes[0], "shared.test")) }

                nodes[2] = try await start("c", dir, redis: redis, sink: sink)
                try await waitUntil("c, restarted, is released and throttled like the fleet") {
                    let controls = await controls(nodes[2])
                    return !controls.contains { $0.kind == .hold }
                        && controls.contains { $0.kind == .throttle && $0.detail == "max-msg-rate=5/s" }
                }
            } catch {
                for node in nodes { await node.shutdown() }
                throw error
            }
            for node in nodes { await node.shutdown() }
        }
    }
}
