import SluiceRedis

/// The node-membership script and key names of a fleet under its key prefix.
///
/// Each node renews `PREFIX node:NAME` (a key with a TTL of three heartbeats) and its entry in the
/// sorted set `PREFIX nodes` (scored by when the entry lapses, on Redis's clock); lapsed entries are
/// dropped on every renewal, and the set's size is the live node count.
enum ClusterMembership {
    /// KEYS: the node's key, the members set. ARGV: node name, TTL (ms).
    /// Returns the number of live nodes.
    static let heartbeat = RedisScript("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local ttl = tonumber(ARGV[2])
        redis.call('SET', KEYS[1], now, 'PX', ttl)
        redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
        return redis.call('ZCARD', KEYS[2])
        """)

    /// KEYS: the node's key, the members set. ARGV: node name. Removes the node (a clean stop).
    static let leave = RedisScript("""
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        return 1
        """)

    /// The node's heartbeat key.
    static func nodeKey(prefix: String, node: String) -> String { prefix + "node:" + node }
    /// The sorted set of live nodes.
    static func membersKey(prefix: String) -> String { prefix + "nodes" }
}
