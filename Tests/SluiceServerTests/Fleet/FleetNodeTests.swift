import Foundation
import RedisTestSupport
import SluiceConfig
import SluiceServer
import Testing

/// Two nodes with a `<cluster>` block against a redis-server the test starts, delivering to one sink.
@Suite("Fleet nodes sharing throttles through redis", .serialized,
       .enabled(if: RedisServerProcess.available, "redis-server is not installed (apt-get install redis-server)"))
struct FleetNodeTests {
    func configuration(_ dir: String, node: String, redisPort: Int, sinkPort: Int) throws -> ConfigModel {
        try loadConfiguration(testConfiguration(
            spool: "\(dir)/\(node)/spool", routes: [("shared.test", sinkPort)],
            perDomain: ["shared.test": "    max-smtp-out 2\n    max-msg-rate 20/s"]) + clusterBlock(node: node, redisPort: redisPort))
    }

    @Test("shared throttle keys in redis; redis killed: degraded in status and events, delivery goes on at the node's share; redis back: shared again; every message delivered",
          Peers.smtpSink, Peers.python3)
    func degradeAndReconcile() async throws {
        try await withFleetPeers { peers in
            let (dir, redis, sink) = (peers.dir, peers.redis, peers.sink)
            for node in ["a", "b"] { try FileManager.default.createDirectory(atPath: "\(dir)/\(node)", withIntermediateDirectories: true) }
            let a = try configuration(dir, node: "a", redisPort: redis.port, sinkPort: sink.port)
            let b = try configuration(dir, node: "b", redisPort: redis.port, sinkPort: sink.port)
            try await withNode(a, directory: dir + "/a") { nodeA, eventsA in
                try await withNode(b, directory: dir + "/b") { nodeB, eventsB in
                    try await waitForLiveNodes([nodeA, nodeB])
                    #expect(await nodeA.snapshot().status.fleet?.throttles == "shared")
                    let portA = try #require(await nodeA.smtpPorts.first), portB = try #require(await nodeB.smtpPorts.first)
                    _ = try await Injector.send((0..<20).map { .init(to: ["a\($0)@shared.test"]) }, port: portA)
                    _ = try await Injector.send((0..<20).map { .init(to: ["b\($0)@shared.test"]) }, port: portB)
                    try await waitUntil("40 delivered through shared grants") {
                        eventsA.events(kind: "delivered").count + eventsB.events(kind: "delivered").count == 40
                    }
                    let link = try #require(nodeA.cluster)
                    #expect(try await link.send(["EXISTS", "sluice:throttle:shared.test/v1:tat"]) == .integer(1))

                    redis.kill()
                    try await waitUntil("a degraded") { await nodeA.snapshot().status.fleet?.isDegraded == true }
                    let status = try #require(await nodeA.snapshot().status.fleet)
                    #expect(status.throttles == "fallback 1/2" && status.degradedSince != nil)
                    #expect(!eventsA.events(kind: "fleet-degraded").isEmpty)
                    _ = try await Injector.send((0..<10).map { .init(to: ["c\($0)@shared.test"]) }, port: portA)
                    try await waitUntil("delivery goes on while degraded") { eventsA.events(kind: "delivered").count >= 30 }

                    try redis.restart()
                    try await waitUntil("shared again") {
                        let (fa, fb) = (await nodeA.snapshot().status.fleet, await nodeB.snapshot().status.fleet)
                        return fa?.throttles == "shared" && fb?.throttles == "shared"
                    }
                    #expect(!eventsA.events(kind: "fleet-connected").isEmpty)
                    _ = try await Injector.send((0..<10).map { .init(to: ["d\($0)@shared.test"]) }, port: portB)
                    try await waitUntil("every message delivered") {
                        eventsA.events(kind: "delivered").count + eventsB.events(kind: "delivered").count == 60
                    }
                    #expect(try await link.send(["EXISTS", "sluice:throttle:shared.test/v1:tat"]) == .integer(1))
                }
            }
        }
    }
}
