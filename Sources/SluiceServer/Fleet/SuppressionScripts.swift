import SluiceRedis

/// The Lua script that replicates suppression entries: one round trip for a batch.
enum SuppressionScripts {
    /// Adds entries to the fleet's list.
    ///
    /// KEYS: the change stream, the set of scopes, then each entry's scope hash. ARGV: the channel's
    /// full name, the stream's approximate MAXLEN, then 7 arguments per entry: address, scope,
    /// reason, source, time (ms), node, and the entry's JSON. For each entry: `HSET` in its scope's
    /// hash, `SADD` of the scope, `XADD` of an `op add` entry to the stream, then `PUBLISH` of
    /// `{"id":STREAM-ID,"entry":JSON}`. Returns the number of entries.
    static let add = RedisScript("""
        local n = #KEYS - 2
        for i = 1, n do
            local b = 2 + (i - 1) * 7
            local address, scope, json = ARGV[b + 1], ARGV[b + 2], ARGV[b + 7]
            redis.call('HSET', KEYS[2 + i], address, json)
            redis.call('SADD', KEYS[2], scope)
            local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'op', 'add', 'scope', scope,
                'address', address, 'reason', ARGV[b + 3], 'source', ARGV[b + 4], 'time', ARGV[b + 5], 'node', ARGV[b + 6])
            redis.call('PUBLISH', ARGV[1], '{"id":"' .. id .. '","entry":' .. json .. '}')
        end
        return n
        """)
}
