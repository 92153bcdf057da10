import NIOCore
import NIOPosix
import Testing
import SluiceRedis
import RedisTestSupport

@Suite("Redis connection against a real redis-server", .serialized,
       .enabled(if: RedisServerProcess.available, "redis-server is not installed (apt-get install redis-server)"))
struct RedisConnectionTests {
    let group = MultiThreadedEventLoopGroup.singleton

    func withServer(_ body: (RedisServerProcess, RedisConnection) async throws -> Void) async throws {
        let server = try RedisServerProcess()
        let connection = try await RedisConnection.connect(host: "127.0.0.1", port: server.port, group: group)
        do {
            try await body(server, connection)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        server.kill()
    }

    @Test("SET, GET, INCR; an error reply is thrown as the server's message")
    func basics() async throws {
        try await withServer { _, redis in
            #expect(try await redis.send(["SET", "greeting", "hello"]) == .simpleString("OK"))
            #expect(try await redis.send(["GET", "greeting"]) == .bulk("hello"))
            #expect(try await redis.send(["GET", "missing"]).isNull)
            #expect(try await redis.send(["INCR", "counter"]) == .integer(1))
            #expect(try await redis.send(["INCRBY", "counter", "41"]) == .integer(42))
            await #expect(throws: RedisError.server("WRONGTYPE Operation against a key holding the wrong kind of value")) {
                try await redis.send(["LPUSH", "greeting", "x"])
            }
            let pong = try await redis.send(["PING"])
            #expect(pong == .simpleString("PONG"), "usable after an error reply")
        }
    }

    @Test("1,000 pipelined commands, as one batch and as concurrent sends, replies in order")
    func pipelining() async throws {
        try await withServer { _, redis in
            let replies = try await redis.sendBatch((0..<1_000).map { _ in ["INCR", "pipelined"] })
            #expect(replies == (1...1_000).map { RESPValue.integer(Int64($0)) })
            try await withThrowingTaskGroup(of: (Int, RESPValue).self) { tasks in
                for i in 0..<1_000 {
                    tasks.addTask { (i, try await redis.send(["ECHO", "value \(i)"])) }
                }
                for try await (i, reply) in tasks {
                    #expect(reply == .bulk("value \(i)"))
                }
            }
            #expect(try await redis.send(["GET", "pipelined"]) == .bulk("1000"))
        }
    }

    static let gcra = RedisScript("""
        local tat = tonumber(redis.call('GET', KEYS[1])) or tonumber(ARGV[1])
        local now = tonumber(ARGV[1])
        local interval = tonumber(ARGV[2])
        local burst = tonumber(ARGV[3])
        if tat < now then tat = now end
        local new_tat = tat + interval
        if new_tat - now > burst + interval then
            return {0, new_tat - now - burst - interval}
        end
        redis.call('SET', KEYS[1], new_tat, 'PX', new_tat - now)
        return {1, 0}
        """)

    @Test("a GCRA script by EVALSHA after SCRIPT FLUSH: NOSCRIPT, loaded, run; three allowed, the fourth waits 100 ms")
    func gcraScript() async throws {
        try await withServer { _, redis in
            #expect(try await redis.send(["SCRIPT", "FLUSH"]) == .simpleString("OK"))
            #expect(try await redis.send(["SCRIPT", "EXISTS", Self.gcra.sha1]) == .array([.integer(0)]))
            var results: [RESPValue] = []
            for _ in 0..<4 {
                results.append(try await redis.evaluate(Self.gcra, keys: ["throttle:a"], arguments: ["1000", "100", "200"]))
            }
            #expect(results == [.array([.integer(1), .integer(0)]), .array([.integer(1), .integer(0)]),
                                .array([.integer(1), .integer(0)]), .array([.integer(0), .integer(100)])])
            #expect(try await redis.send(["SCRIPT", "EXISTS", Self.gcra.sha1]) == .array([.integer(1)]))
            await #expect(throws: RedisError.self) { try await redis.evaluate(RedisScript("return redis.call('NOPE')")) }
        }
    }

    @Test("pub/sub: SUBSCRIBE and PSUBSCRIBE deliver published messages on the stream, which ends on close")
    func pubSub() async throws {
        try await withServer { server, redis in
            let subscriber = try await RedisSubscriber.connect(host: "127.0.0.1", port: server.port, group: group)
            try await subscriber.subscribe(["ops"])
            try await subscriber.psubscribe(["suppress:*"])
            #expect(try await redis.send(["PUBLISH", "ops", "pause vmta1"]) == .integer(1))
            #expect(try await redis.send(["PUBLISH", "suppress:example.com", "a@example.com"]) == .integer(1))
            var iterator = subscriber.messages.makeAsyncIterator()
            let first = await iterator.next()
            #expect(first?.channel == "ops")
            #expect(first?.pattern == nil)
            #expect(first?.text == "pause vmta1")
            let second = await iterator.next()
            #expect(second?.channel == "suppress:example.com")
            #expect(second?.pattern == "suppress:*")
            #expect(second?.text == "a@example.com")
            await subscriber.close()
            #expect(await iterator.next() == nil)
        }
    }

    @Test("server killed while commands wait: every pending command fails with connectionLost, and later ones too")
    func serverKilled() async throws {
        try await withServer { server, redis in
            let watcher = try await RedisConnection.connect(host: "127.0.0.1", port: server.port, group: group)
            let blocked = Task { try await redis.sendBatch([["BLPOP", "never", "0"], ["PING"]]) }
            // Wait until the server holds the BLPOP (a condition, polled over the second connection).
            var seen = false
            for _ in 0..<10_000 where !seen {
                let info = try await watcher.send(["INFO", "clients"]).string ?? ""
                seen = info.contains("blocked_clients:1")
            }
            #expect(seen)
            server.kill()
            await #expect(throws: RedisError.connectionLost) { try await blocked.value }
            await #expect(throws: RedisError.connectionLost) { try await redis.send(["PING"]) }
            await watcher.close()
        }
    }

    @Test("connecting to a closed port fails with connectFailed")
    func closedPort() async throws {
        let port = try RedisServerProcess.freePort()
        await #expect {
            _ = try await RedisConnection.connect(host: "127.0.0.1", port: port, connectTimeout: .seconds(5), group: group)
        } throws: { error in
            guard case .connectFailed(let detail) = error as? RedisError else { return false }
            return detail.contains("127.0.0.1:\(port)")
        }
    }
}
