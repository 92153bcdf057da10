import RedisTestSupport
import SluiceBase
import SluiceConfig
import SluiceRedis
import Testing
@testable import SluiceServer

@Suite("ClusterLink against a real redis-server", .serialized,
       .enabled(if: RedisServerProcess.available, "redis-server is not installed (apt-get install redis-server)"))
struct ClusterLinkTests {
    static func settings(port: Int, node: String) -> ClusterSettings {
        var settings = ClusterSettings(redisHost: "127.0.0.1", redisPort: port, nodeName: node)
        settings.heartbeat = TimeSpan(milliseconds: 100)
        settings.connectTimeout = TimeSpan(milliseconds: 500)
        settings.commandTimeout = TimeSpan(milliseconds: 500)
        settings.keyPrefix = "t:"
        return settings
    }

    static func link(port: Int, node: String) -> ClusterLink {
        ClusterLink(settings: settings(port: port, node: node), clock: WallClock(), log: { _ in })
    }

    @Test("membership: each link counts the live nodes; a stopped node leaves")
    func membership() async throws {
        let redis = try RedisServerProcess()
        let a = Self.link(port: redis.port, node: "a"), b = Self.link(port: redis.port, node: "b")
        let c = Self.link(port: redis.port, node: "c")
        await a.start()
        #expect(await a.state == .connected)
        await b.start()
        await c.start()
        try await waitUntil("three live nodes", timeout: 10) {
            let (na, nb) = (await a.liveNodes, await b.liveNodes)
            return na == 3 && nb == 3
        }
        #expect(try await a.send(["EXISTS", "t:node:a", "t:node:b", "t:node:c"]) == .integer(3))
        await c.stop()
        try await waitUntil("c left", timeout: 10) { await a.liveNodes == 2 }
        #expect(try await a.send(["EXISTS", "t:node:c"]) == .integer(0))
        await a.stop()
        await b.stop()
        redis.kill()
    }

    @Test("redis-server restarted: the link degrades (commands fail fast), reconnects, re-registers and resubscribes")
    func reconnects() async throws {
        let redis = try RedisServerProcess()
        let a = Self.link(port: redis.port, node: "a"), b = Self.link(port: redis.port, node: "b")
        await a.start()
        await b.start()
        try await waitUntil("a counts two nodes", timeout: 10) { await a.liveNodes == 2 }
        let events = await a.observe()
        var messages = await a.subscribe("actions").makeAsyncIterator()
        #expect(try await b.publish("actions", "hold gmail.com") == 1)
        #expect(await messages.next().map { String(decoding: $0, as: UTF8.self) } == "hold gmail.com")

        redis.kill()
        try await waitUntil("a degraded", timeout: 10) { !(await a.state.isConnected) }
        await #expect(throws: ClusterLinkError.self) { try await a.send(["PING"]) }
        guard case .degraded(let since) = await a.state else { Issue.record("not degraded"); return }
        await #expect(throws: ClusterLinkError.degraded(since: since)) { try await a.send(["PING"]) }
        #expect(await a.liveNodes == 2, "the last known count is kept while degraded")

        try redis.restart()
        try await waitUntil("a and b reconnected", timeout: 15) {
            let (sa, sb) = (await a.state, await b.state)
            return sa.isConnected && sb.isConnected
        }
        #expect(try await a.send(["EXISTS", "t:node:a"]) == .integer(1), "registered again on the empty server")
        try await waitUntil("b's message through the restored subscription", timeout: 10) {
            (try? await b.publish("actions", "release gmail.com")) == 1
        }
        #expect(await messages.next().map { String(decoding: $0, as: UTF8.self) } == "release gmail.com")
        var seen: [ClusterLinkEvent] = []
        for await event in events {
            seen.append(event)
            if event == .reconnected { break }
        }
        #expect(seen.contains { if case .degraded = $0 { true } else { false } })
        #expect(seen.last == .reconnected)
        await a.stop()
        await b.stop()
        redis.kill()
    }

    @Test("nothing listening: start returns degraded; commands throw degraded at once")
    func unreachable() async throws {
        let port = try RedisServerProcess.freePort()
        let a = Self.link(port: port, node: "a")
        await a.start()
        guard case .degraded(let since) = await a.state else { Issue.record("connected to nothing"); return }
        await #expect(throws: ClusterLinkError.degraded(since: since)) { try await a.evaluate(RedisScript("return 1"), keys: [], arguments: []) }
        #expect(await a.liveNodes == 1)
        await a.stop()
        await #expect(throws: ClusterLinkError.stopped) { try await a.send(["PING"]) }
    }
}
