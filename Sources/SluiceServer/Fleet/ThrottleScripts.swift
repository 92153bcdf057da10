import SluiceRedis

/// The Lua scripts of the fleet's shared throttles, run atomically in Redis on Redis's clock
/// (`TIME`), so the nodes' clocks do not matter. docs/fleet.md "Throttles" describes the keys.
enum ThrottleScripts {
    /// GCRA for a batch of grants, with the hourly and daily caps.
    ///
    /// KEYS: the queue's TAT key, the hour-counter base, the day-counter base (the window's number
    /// is appended). ARGV: grants wanted, interval (µs, 0 without a rate), burst, max-msg-per-hour,
    /// max-msg-per-day (0: none). The theoretical arrival time may run ahead of now by the burst
    /// plus the batch, so a node reserves its next few messages in one round trip while the
    /// fleet's total stays at the rate. Returns `{granted, retry-after ms}`.
    static let grant = RedisScript("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local wanted = tonumber(ARGV[1])
        local interval = tonumber(ARGV[2])
        local burst = math.max(1, tonumber(ARGV[3]))
        local perHour = tonumber(ARGV[4])
        local perDay = tonumber(ARGV[5])
        local granted = wanted
        local retry = 0
        local tat = now
        local window = 0
        if interval > 0 then
            tat = tonumber(redis.call('GET', KEYS[1]) or '0')
            if tat < now then tat = now end
            window = (burst - 1 + wanted) * interval
            local allowed = math.floor((now + window - tat) / interval)
            if allowed < granted then granted = math.max(0, allowed) end
            if granted == 0 then retry = tat + interval - window - now end
        end
        local hour = math.floor(now / 3600000000)
        local day = math.floor(now / 86400000000)
        local hourKey = KEYS[2] .. ':' .. hour
        local dayKey = KEYS[3] .. ':' .. day
        if perHour > 0 then
            local left = perHour - tonumber(redis.call('GET', hourKey) or '0')
            if left < granted then granted = math.max(0, left) end
            if left <= 0 then retry = math.max(retry, (hour + 1) * 3600000000 - now) end
        end
        if perDay > 0 then
            local left = perDay - tonumber(redis.call('GET', dayKey) or '0')
            if left < granted then granted = math.max(0, left) end
            if left <= 0 then retry = math.max(retry, (day + 1) * 86400000000 - now) end
        end
        if granted <= 0 then
            return {0, math.max(1, math.ceil(retry / 1000))}
        end
        if interval > 0 then
            local newTat = tat + granted * interval
            redis.call('SET', KEYS[1], string.format('%.0f', newTat), 'PX', math.ceil((newTat - now) / 1000) + 1000)
        end
        if perHour > 0 then
            redis.call('INCRBY', hourKey, granted)
            redis.call('PEXPIRE', hourKey, 3660000)
        end
        if perDay > 0 then
            redis.call('INCRBY', dayKey, granted)
            redis.call('PEXPIRE', dayKey, 86460000)
        end
        return {granted, 0}
        """)

    /// One connection lease. KEYS: the queue's lease set. ARGV: limit, lease id, TTL (ms).
    /// Lapsed leases are dropped first. Returns 1 when granted, else 0.
    static let acquireLease = RedisScript("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local ttl = tonumber(ARGV[3])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
            redis.call('ZADD', KEYS[1], now + ttl, ARGV[2])
            redis.call('PEXPIRE', KEYS[1], 2 * ttl)
            return 1
        end
        return 0
        """)

    /// Renews leases. KEYS: the lease set. ARGV: TTL (ms), then the lease ids (only those still
    /// present are renewed). Returns how many were renewed.
    static let renewLeases = RedisScript("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local ttl = tonumber(ARGV[1])
        local renewed = 0
        for i = 2, #ARGV do
            renewed = renewed + redis.call('ZADD', KEYS[1], 'XX', 'CH', now + ttl, ARGV[i])
        end
        redis.call('PEXPIRE', KEYS[1], 2 * ttl)
        return renewed
        """)
}
