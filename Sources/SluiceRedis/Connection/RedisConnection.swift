import NIOCore
import NIOPosix

/// One connection to a Redis server: commands are pipelined and their replies matched in order.
///
/// Safe to share between tasks: each ``send(_:)`` is written as it comes and waits for its own
/// reply. When the connection is lost every pending command fails with
/// ``RedisError/connectionLost``, as does every later one; reconnecting is the caller's choice.
public final class RedisConnection: Sendable {
    private let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
    }

    /// Opens a connection to `host:port`.
    /// - Parameters:
    ///   - host: An address or name, e.g. "127.0.0.1".
    ///   - port: Redis's port, usually 6379.
    ///   - connectTimeout: How long the TCP connect may take.
    ///   - limits: The bounds on the server's replies.
    ///   - group: The event loops to run on.
    /// - Throws: ``RedisError/connectFailed(_:)``.
    public static func connect(host: String, port: Int, connectTimeout: Duration = .seconds(5),
                               limits: RESPLimits = RESPLimits(),
                               group: any EventLoopGroup) async throws(RedisError) -> RedisConnection {
        let channel = try await RedisChannelOpener.open(host: host, port: port, connectTimeout: connectTimeout, group: group) {
            RedisChannelHandler(limits: limits)
        }
        return RedisConnection(channel: channel)
    }

    /// Sends one command, e.g. `["SET", "key", "value"]`, and returns its reply.
    /// - Throws: ``RedisError/server(_:)`` for an error reply, ``RedisError/connectionLost`` or
    ///   ``RedisError/protocolError(_:)`` when the connection fails first.
    @discardableResult
    public func send(_ command: [String]) async throws(RedisError) -> RESPValue {
        let reply = try await sendBatch([command])[0]
        if case .error(let message) = reply { throw .server(message) }
        return reply
    }

    /// Sends `commands` in one write and returns their replies in order; an error reply is
    /// returned as ``RESPValue/error(_:)``, not thrown.
    /// - Throws: ``RedisError/connectionLost`` or ``RedisError/protocolError(_:)`` when the
    ///   connection fails before every reply has arrived.
    public func sendBatch(_ commands: [[String]]) async throws(RedisError) -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        var bytes = channel.allocator.buffer(capacity: 64 * commands.count)
        for command in commands { bytes.writeBytes(RESPEncoder.encode(command: command)) }
        let replies = commands.map { _ in channel.eventLoop.makePromise(of: RESPValue.self) }
        return try await write(RedisOutbound(bytes: bytes, replies: replies))
    }

    /// Runs `script` with `EVALSHA`; when the server answers NOSCRIPT (a restart, `SCRIPT FLUSH`,
    /// a failover) it loads the script with `SCRIPT LOAD` and runs it again.
    /// - Throws: ``RedisError/server(_:)`` for the script's own errors, and as ``send(_:)``.
    public func evaluate(_ script: RedisScript, keys: [String] = [], arguments: [String] = []) async throws(RedisError) -> RESPValue {
        let command = ["EVALSHA", script.sha1, String(keys.count)] + keys + arguments
        do {
            return try await send(command)
        } catch .server(let message) where message.hasPrefix("NOSCRIPT") {
            let loaded = try await send(["SCRIPT", "LOAD", script.source])
            guard loaded.string == script.sha1 else {
                throw .unexpectedReply("SCRIPT LOAD returned \(loaded), expected \(script.sha1)")
            }
            return try await send(command)
        }
    }

    /// Closes the connection; pending commands fail with ``RedisError/connectionLost``.
    public func close() async {
        try? await channel.close()
    }

    /// False once the connection is closed or lost.
    public var isActive: Bool { channel.isActive }

    private func write(_ outbound: RedisOutbound) async throws(RedisError) -> [RESPValue] {
        let replies = outbound.replies
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(outbound, promise: written)
        written.futureResult.whenFailure { _ in
            for reply in replies { reply.fail(RedisError.connectionLost) }
        }
        var values: [RESPValue] = []
        values.reserveCapacity(replies.count)
        for reply in replies {
            do {
                values.append(try await reply.futureResult.get())
            } catch let error as RedisError {
                throw error
            } catch {
                throw .connectionLost
            }
        }
        return values
    }
}
