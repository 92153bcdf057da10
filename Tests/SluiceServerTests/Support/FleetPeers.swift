import Foundation
import RedisTestSupport
import SluiceServer

/// What a fleet test runs against: a temporary directory, a redis-server and an smtp-sink, all
/// stopped and removed when ``withFleetPeers(_:)`` returns.
struct FleetPeers {
    let dir: String
    let redis: RedisServerProcess
    let sink: SinkProcess
}

/// Runs `body` with a fresh ``FleetPeers``.
func withFleetPeers<T>(_ body: (FleetPeers) async throws -> T) async throws -> T {
    let dir = try makeTemporaryDirectory()
    defer { removeDirectory(dir) }
    let redis = try RedisServerProcess()
    defer { redis.kill() }
    let sink = try await SinkProcess(port: try freePort(), directory: dir)
    defer { sink.stop() }
    return try await body(FleetPeers(dir: dir, redis: redis, sink: sink))
}

/// The `<cluster>` block of node `name` against the redis-server on `redisPort`, with the short
/// heartbeat and timeouts tests want (on lines of its own: it starts with a newline).
func clusterBlock(node name: String, redisPort: Int, heartbeat: String = "200ms") -> String {
    """

    <cluster>
        redis 127.0.0.1:\(redisPort)
        node-name \(name)
        heartbeat \(heartbeat)
        command-timeout 500ms
        connect-timeout 500ms
    </cluster>

    """
}

/// Waits until every one of `nodes` counts `nodes.count` live nodes.
func waitForLiveNodes(_ nodes: [MailNode]) async throws {
    try await waitUntil("\(nodes.count) live nodes") {
        for node in nodes where await node.snapshot().status.fleet?.liveNodes != nodes.count { return false }
        return true
    }
}
