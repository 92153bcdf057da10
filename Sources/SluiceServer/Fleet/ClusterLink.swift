import NIOCore
import NIOPosix
import SluiceConfig
import SluiceCore
import SluiceRedis

/// The node's link to the fleet's Redis server (the `<cluster>` block): one reconnecting command
/// connection, one pub/sub subscriber, and the node's membership.
///
/// While Redis answers, the state is ``ClusterLinkState/connected``; a failed connect, a lost
/// connection or a command slower than `command-timeout` makes it
/// ``ClusterLinkState/degraded(since:)``, and every command then fails fast with
/// ``ClusterLinkError/degraded(since:)`` until the link reconnects (it retries every heartbeat).
/// On reconnecting it registers the node again, re-establishes every subscription and tells its
/// observers ``ClusterLinkEvent/reconnected`` so they can resynchronise.
///
/// Every key and channel is under `key-prefix`: ``key(_:)`` gives a key's full name, and
/// ``publish(_:_:)`` and ``subscribe(_:)`` take channel names without the prefix.
///
/// ```swift
/// let link = ClusterLink(settings: cluster, clock: WallClock(), log: { print($0) })
/// await link.start()
/// let sha = try await link.evaluate(script, keys: [link.key("rate:gmail.com")], arguments: ["30"])
/// for await event in await link.observe() { … }
/// ```
public actor ClusterLink {
    /// The `<cluster>` settings.
    public nonisolated let settings: ClusterSettings
    nonisolated let clock: any Clock
    nonisolated let group: any EventLoopGroup
    nonisolated let log: @Sendable (String) -> Void

    /// Connected, or degraded since when.
    public private(set) var state: ClusterLinkState
    /// The live nodes (this one included) at the last heartbeat; while degraded, the last count
    /// known (the divisor of each node's fallback share). At least 1.
    public private(set) var liveNodes = 1
    /// The instant of the last ``ClusterLinkEvent/reconnected``; nil before the first connection.
    public private(set) var connectedSince: Instant?

    private var connection: RedisConnection?
    private var subscriber: RedisSubscriber?
    /// Subscribers per full channel name.
    private var channels: [String: [UInt64: AsyncStream<[UInt8]>.Continuation]] = [:]
    private var observers: [UInt64: AsyncStream<ClusterLinkEvent>.Continuation] = [:]
    private var nextID: UInt64 = 0
    private var runner: Task<Void, Never>?
    private var stopped = false
    /// Counts connections made, so that a stale subscriber's end is told from the current one's.
    private var generation = 0

    /// Creates a link; nothing connects before ``start()``.
    /// - Parameters:
    ///   - settings: The `<cluster>` block.
    ///   - clock: The clock heartbeats, retries and command timeouts run on.
    ///   - group: The event loops of the Redis connections.
    ///   - log: Where state changes are logged.
    public init(settings: ClusterSettings, clock: any Clock, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                log: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.clock = clock
        self.group = group
        self.log = log
        state = .degraded(since: clock.now())
    }

    /// The full name of a key: `key-prefix` then `name`.
    public nonisolated func key(_ name: String) -> String { settings.keyPrefix + name }

    /// Makes the first connection attempt (returning once it succeeded or failed), then keeps the
    /// link up in the background: a heartbeat every `heartbeat`, a reconnect attempt every
    /// `heartbeat` while degraded.
    public func start() async {
        guard runner == nil, !stopped else { return }
        await connect()
        if !state.isConnected {
            log("fleet: redis \(settings.redisHost):\(settings.redisPort) unreachable; running on this node's local share "
                + "until it answers")
        }
        runner = Task { await self.run() }
    }

    /// Leaves the fleet (the node's membership removed when Redis answers), closes the connections
    /// and finishes every stream.
    public func stop() async {
        guard !stopped else { return }
        stopped = true
        runner?.cancel()
        if let connection, state.isConnected {
            let keys = [ClusterMembership.nodeKey(prefix: settings.keyPrefix, node: settings.nodeName),
                        ClusterMembership.membersKey(prefix: settings.keyPrefix)]
            let node = settings.nodeName
            _ = try? await timed(connection) { (c: RedisConnection) async throws(RedisError) -> RESPValue in
                try await c.evaluate(ClusterMembership.leave, keys: keys, arguments: [node])
            }
        }
        await closeConnections()
        for continuation in observers.values { continuation.finish() }
        for continuation in channels.values.flatMap(\.values) { continuation.finish() }
        observers = [:]
        channels = [:]
    }

    // MARK: - Commands

    /// Sends one command, e.g. `["INCRBY", link.key("count"), "5"]`.
    /// - Throws: ``ClusterLinkError/degraded(since:)`` while degraded (or when this command finds
    ///   Redis gone or too slow), ``ClusterLinkError/server(_:)`` for an error reply.
    @discardableResult
    public func send(_ command: [String]) async throws(ClusterLinkError) -> RESPValue {
        let reply = try await sendBatch([command])[0]
        if case .error(let message) = reply { throw .server(message) }
        return reply
    }

    /// Sends `commands` in one write; replies in order, error replies as values.
    /// - Throws: as ``send(_:)`` (but not for error replies).
    public func sendBatch(_ commands: [[String]]) async throws(ClusterLinkError) -> [RESPValue] {
        let connection = try current()
        do throws(RedisError) {
            return try await timed(connection) { (c: RedisConnection) async throws(RedisError) -> [RESPValue] in try await c.sendBatch(commands) }
        } catch {
            throw failure(error, on: connection)
        }
    }

    /// Runs a Lua script by SHA-1 (loaded when Redis does not have it).
    /// - Throws: as ``send(_:)``; a script's own error is ``ClusterLinkError/server(_:)``.
    public func evaluate(_ script: RedisScript, keys: [String], arguments: [String]) async throws(ClusterLinkError) -> RESPValue {
        let connection = try current()
        do throws(RedisError) {
            return try await timed(connection) { (c: RedisConnection) async throws(RedisError) -> RESPValue in
                try await c.evaluate(script, keys: keys, arguments: arguments)
            }
        } catch {
            throw failure(error, on: connection)
        }
    }

    /// Publishes `payload` on `channel` (a name under the key prefix); returns how many
    /// subscribers received it.
    /// - Throws: as ``send(_:)``.
    @discardableResult
    public func publish(_ channel: String, _ payload: String) async throws(ClusterLinkError) -> Int {
        let reply = try await send(["PUBLISH", key(channel), payload])
        guard case .integer(let receivers) = reply else { throw .unexpectedReply("PUBLISH returned \(reply)") }
        return Int(receivers)
    }

    /// The messages published on `channel` (a name under the key prefix), from now until the link
    /// stops; the subscription is re-established after every reconnect (messages published while
    /// degraded are not seen: resynchronise on ``ClusterLinkEvent/reconnected``).
    public func subscribe(_ channel: String) async -> AsyncStream<[UInt8]> {
        let name = key(channel)
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingNewest(10_000))
        let id = takeID()
        let isNew = channels[name] == nil
        channels[name, default: [:]][id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(name, id) } }
        if stopped { continuation.finish() }
        if isNew, state.isConnected, let subscriber {
            do throws(RedisError) { try await subscriber.subscribe([name]) } catch { lose("SUBSCRIBE failed: \(error)") }
        }
        return stream
    }

    /// The link's events from now on: reconnections, degradations, live node counts.
    public func observe() -> AsyncStream<ClusterLinkEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ClusterLinkEvent.self)
        let id = takeID()
        observers[id] = continuation
        continuation.onTermination = { _ in Task { await self.removeObserver(id) } }
        if stopped { continuation.finish() }
        return stream
    }

    // MARK: - The connection's life

    private func run() async {
        while !stopped, !Task.isCancelled {
            do { try await clock.sleep(for: settings.heartbeat) } catch { return }
            guard !stopped else { return }
            if state.isConnected { await heartbeat() } else { await connect() }
        }
    }

    /// One attempt to connect both connections, register the node and resubscribe.
    private func connect() async {
        let timeout = Duration.milliseconds(settings.connectTimeout.milliseconds)
        var opened: RedisConnection?
        var listening: RedisSubscriber?
        do throws(RedisError) {
            let connection = try await RedisConnection.connect(host: settings.redisHost, port: settings.redisPort,
                                                               connectTimeout: timeout, group: group)
            opened = connection
            let subscriber = try await RedisSubscriber.connect(host: settings.redisHost, port: settings.redisPort,
                                                               connectTimeout: timeout, group: group)
            listening = subscriber
            let count = try await register(connection)
            if !channels.isEmpty { try await subscriber.subscribe(channels.keys.sorted()) }
            guard !stopped else {
                await connection.close()
                await subscriber.close()
                return
            }
            generation += 1
            let current = generation
            self.connection = connection
            self.subscriber = subscriber
            Task { await self.dispatch(subscriber, generation: current) }
            let wasDegraded = !state.isConnected
            state = .connected
            connectedSince = clock.now()
            if wasDegraded {
                log("fleet: connected to redis \(settings.redisHost):\(settings.redisPort) as node \(settings.nodeName); "
                    + "\(count) live node\(count == 1 ? "" : "s")")
            }
            emit(.reconnected)
            updateLiveNodes(count)
        } catch {
            await opened?.close()
            await listening?.close()
        }
    }

    private func heartbeat() async {
        guard let connection else { return }
        do throws(RedisError) {
            updateLiveNodes(try await register(connection))
        } catch {
            _ = failure(error, on: connection)
        }
    }

    /// Renews the node's membership; returns the live node count.
    private func register(_ connection: RedisConnection) async throws(RedisError) -> Int {
        let keys = [ClusterMembership.nodeKey(prefix: settings.keyPrefix, node: settings.nodeName),
                    ClusterMembership.membersKey(prefix: settings.keyPrefix)]
        let ttl = String(max(30, 3 * settings.heartbeat.milliseconds))
        let node = settings.nodeName
        let reply = try await timed(connection) { (c: RedisConnection) async throws(RedisError) -> RESPValue in
            try await c.evaluate(ClusterMembership.heartbeat, keys: keys, arguments: [node, ttl])
        }
        guard case .integer(let count) = reply else { throw .unexpectedReply("heartbeat returned \(reply)") }
        return max(1, Int(count))
    }

    private func updateLiveNodes(_ count: Int) {
        guard count != liveNodes else { return }
        liveNodes = count
        emit(.liveNodes(count))
    }

    /// Delivers the subscriber's messages to the streams of their channel; its end is a lost link.
    private func dispatch(_ subscriber: RedisSubscriber, generation: Int) async {
        for await message in subscriber.messages {
            guard let streams = channels[message.channel] else { continue }
            for continuation in streams.values { continuation.yield(message.payload) }
        }
        if generation == self.generation, state.isConnected { lose("the pub/sub connection closed") }
    }

    /// Runs `body` on `connection`, closing the connection when it takes longer than
    /// `command-timeout` (the command then fails with ``RedisError/connectionLost``).
    private func timed<T: Sendable>(_ connection: RedisConnection,
                                    _ body: @Sendable (RedisConnection) async throws(RedisError) -> T) async throws(RedisError) -> T {
        let (clock, timeout) = (self.clock, settings.commandTimeout)
        let timer = Task {
            do { try await clock.sleep(for: timeout) } catch { return }
            await connection.close()
        }
        defer { timer.cancel() }
        return try await body(connection)
    }

    /// The connection to send on, or the error to fail fast with.
    private func current() throws(ClusterLinkError) -> RedisConnection {
        if stopped { throw .stopped }
        guard state.isConnected, let connection else {
            if case .degraded(let since) = state { throw .degraded(since: since) }
            throw .stopped
        }
        return connection
    }

    /// The error a failed command reports; a lost connection degrades the link.
    private func failure(_ error: RedisError, on connection: RedisConnection) -> ClusterLinkError {
        switch error {
        case .server(let message): return .server(message)
        case .unexpectedReply(let detail): return .unexpectedReply(detail)
        case .connectFailed, .connectionLost, .protocolError:
            if connection === self.connection, state.isConnected {
                lose(error == .connectionLost ? "connection lost or a command slower than \(settings.commandTimeout)" : "\(error)")
            }
            if case .degraded(let since) = state { return .degraded(since: since) }
            return .degraded(since: clock.now())
        }
    }

    /// Marks the link degraded and drops its connections.
    private func lose(_ reason: String) {
        guard state.isConnected else { return }
        let since = clock.now()
        state = .degraded(since: since)
        log("fleet: degraded: redis \(settings.redisHost):\(settings.redisPort): \(reason); running on this node's "
            + "local share (1/\(liveNodes) of each shared limit) until it answers")
        emit(.degraded(since: since, reason: reason))
        let (connection, subscriber) = (self.connection, self.subscriber)
        self.connection = nil
        self.subscriber = nil
        Task {
            await connection?.close()
            await subscriber?.close()
        }
    }

    private func closeConnections() async {
        let (connection, subscriber) = (self.connection, self.subscriber)
        self.connection = nil
        self.subscriber = nil
        await connection?.close()
        await subscriber?.close()
    }

    private func emit(_ event: ClusterLinkEvent) {
        for continuation in observers.values { continuation.yield(event) }
    }

    private func takeID() -> UInt64 {
        nextID += 1
        return nextID
    }

    private func unsubscribe(_ name: String, _ id: UInt64) {
        channels[name]?[id] = nil
        if channels[name]?.isEmpty == true { channels[name] = nil }
    }

    private func removeObserver(_ id: UInt64) {
        observers[id] = nil
    }
}
