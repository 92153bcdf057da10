import NIOCore
import NIOPosix

/// A message published to a channel the subscriber listens to.
public struct RedisMessage: Sendable, Hashable {
    /// The channel it was published to.
    public var channel: String
    /// The pattern it matched, for a `PSUBSCRIBE`; nil for a `SUBSCRIBE`.
    public var pattern: String?
    /// The published bytes.
    public var payload: [UInt8]

    /// The payload as UTF-8 text (invalid bytes replaced).
    public var text: String { String(decoding: payload, as: UTF8.self) }
}

/// A connection in pub/sub mode: `SUBSCRIBE` / `PSUBSCRIBE`, messages delivered on ``messages``.
///
/// The stream finishes when the connection is closed or lost; resubscribing on a new connection
/// is the caller's choice. A subscriber runs no other commands.
public final class RedisSubscriber: Sendable {
    /// Every message received, in order; finishes when the connection ends.
    public let messages: AsyncStream<RedisMessage>
    private let channel: any Channel

    private init(channel: any Channel, messages: AsyncStream<RedisMessage>) {
        self.channel = channel
        self.messages = messages
    }

    /// Opens a subscriber connection to `host:port` (parameters as ``RedisConnection/connect(host:port:connectTimeout:limits:group:)``).
    /// - Parameter bufferSize: Messages kept while the consumer is behind; older ones are dropped beyond it.
    /// - Throws: ``RedisError/connectFailed(_:)``.
    public static func connect(host: String, port: Int, connectTimeout: Duration = .seconds(5),
                               limits: RESPLimits = RESPLimits(), bufferSize: Int = 10_000,
                               group: any EventLoopGroup) async throws(RedisError) -> RedisSubscriber {
        let (messages, continuation) = AsyncStream.makeStream(of: RedisMessage.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let channel = try await RedisChannelOpener.open(host: host, port: port, connectTimeout: connectTimeout, group: group) {
            RedisChannelHandler(limits: limits, onMessage: { value in
                guard let message = Self.message(value) else { return false }
                continuation.yield(message)
                return true
            }, onClose: { continuation.finish() })
        }
        return RedisSubscriber(channel: channel, messages: messages)
    }

    /// Subscribes to `channels`; returns once the server has confirmed each.
    /// - Throws: ``RedisError``.
    public func subscribe(_ channels: [String]) async throws(RedisError) {
        try await command("SUBSCRIBE", channels)
    }

    /// Subscribes to the glob-style `patterns`; returns once the server has confirmed each.
    /// - Throws: ``RedisError``.
    public func psubscribe(_ patterns: [String]) async throws(RedisError) {
        try await command("PSUBSCRIBE", patterns)
    }

    /// Closes the connection; ``messages`` finishes.
    public func close() async {
        try? await channel.close()
    }

    private func command(_ name: String, _ names: [String]) async throws(RedisError) {
        guard !names.isEmpty else { return }
        var bytes = channel.allocator.buffer(capacity: 64)
        bytes.writeBytes(RESPEncoder.encode(command: [name] + names))
        let replies = names.map { _ in channel.eventLoop.makePromise(of: RESPValue.self) }
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(RedisOutbound(bytes: bytes, replies: replies), promise: written)
        written.futureResult.whenFailure { _ in
            for reply in replies { reply.fail(RedisError.connectionLost) }
        }
        for reply in replies {
            let value: RESPValue
            do {
                value = try await reply.futureResult.get()
            } catch let error as RedisError {
                throw error
            } catch {
                throw .connectionLost
            }
            if case .error(let message) = value { throw .server(message) }
        }
    }

    /// A `message` / `pmessage` array (RESP2) or push (RESP3) as a ``RedisMessage``; nil for other values.
    static func message(_ value: RESPValue) -> RedisMessage? {
        guard let elements = value.elements, let kind = elements.first?.string else { return nil }
        switch kind {
        case "message" where elements.count == 3:
            guard let channel = elements[1].string, case .bulkString(let payload?) = elements[2] else { return nil }
            return RedisMessage(channel: channel, pattern: nil, payload: payload)
        case "pmessage" where elements.count == 4:
            guard let pattern = elements[1].string, let channel = elements[2].string,
                  case .bulkString(let payload?) = elements[3] else { return nil }
            return RedisMessage(channel: channel, pattern: pattern, payload: payload)
        default:
            return nil
        }
    }
}
