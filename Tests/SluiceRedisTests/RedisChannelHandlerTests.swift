import NIOCore
import NIOEmbedded
import Testing
@testable import SluiceRedis

/// The reply matcher on an EmbeddedChannel: no server, no event loop threads.
@Suite("Redis channel handler")
struct RedisChannelHandlerTests {
    func makeChannel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(RedisChannelHandler(limits: RESPLimits(maximumBulkLength: 16)))
        return channel
    }

    func send(_ channel: EmbeddedChannel, _ commands: [[String]]) throws -> [EventLoopFuture<RESPValue>] {
        var bytes = channel.allocator.buffer(capacity: 64)
        for command in commands { bytes.writeBytes(RESPEncoder.encode(command: command)) }
        let replies = commands.map { _ in channel.eventLoop.makePromise(of: RESPValue.self) }
        try channel.writeOutbound(RedisOutbound(bytes: bytes, replies: replies))
        return replies.map(\.futureResult)
    }

    /// The future's result if it has completed (EmbeddedChannel runs callbacks inline, on this thread).
    func result(_ future: EventLoopFuture<RESPValue>) -> Result<RESPValue, RedisError>? {
        let box = ResultBox()
        future.whenComplete { outcome in
            box.result = outcome.mapError { ($0 as? RedisError) ?? .connectionLost }
        }
        return box.result
    }

    func receive(_ channel: EmbeddedChannel, _ text: String) throws {
        try channel.writeInbound(channel.allocator.buffer(string: text))
    }

    @Test("replies split across reads complete their commands in order; the commands are written as RESP")
    func inOrder() throws {
        let channel = try makeChannel()
        // Tears the pipeline down even when the handler closed the channel (no cycle is left).
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        let replies = try send(channel, [["GET", "a"], ["INCR", "n"]])
        #expect(try channel.readOutbound(as: ByteBuffer.self).map { Array($0.readableBytesView) }
            == RESPEncoder.encode(command: ["GET", "a"]) + RESPEncoder.encode(command: ["INCR", "n"]))
        try receive(channel, "$1\r\nx")
        #expect(result(replies[0]) == nil)
        try receive(channel, "\r\n:7")
        #expect(result(replies[0]) == .success(.bulk("x")))
        #expect(result(replies[1]) == nil)
        try receive(channel, "\r\n")
        #expect(result(replies[1]) == .success(.integer(7)))
    }

    @Test("malformed bytes fail every pending command with the protocol error and close the channel")
    func protocolError() throws {
        let channel = try makeChannel()
        // Tears the pipeline down even when the handler closed the channel (no cycle is left).
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        let replies = try send(channel, [["PING"], ["PING"]])
        try receive(channel, "+PONG\r\n?bad\r\n")
        #expect(result(replies[0]) == .success(.simpleString("PONG")))
        #expect(result(replies[1]) == .failure(.protocolError(.unknownType(UInt8(ascii: "?")))))
        #expect(!channel.isActive)
    }

    @Test("a bulk string over the limit is a protocol error")
    func overLimit() throws {
        let channel = try makeChannel()
        // Tears the pipeline down even when the handler closed the channel (no cycle is left).
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        let replies = try send(channel, [["GET", "big"]])
        try receive(channel, "$17\r\n")
        #expect(result(replies[0]) == .failure(.protocolError(.bulkTooLong(17))))
    }

    @Test("a reply nobody asked for closes the connection")
    func unsolicited() throws {
        let channel = try makeChannel()
        // Tears the pipeline down even when the handler closed the channel (no cycle is left).
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        try receive(channel, "+OK\r\n")
        #expect(!channel.isActive)
    }

    @Test("closing fails pending commands with connectionLost, and commands sent after fail at once")
    func closeFailsPending() throws {
        let channel = try makeChannel()
        // Tears the pipeline down even when the handler closed the channel (no cycle is left).
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        let replies = try send(channel, [["BLPOP", "q", "0"]])
        try channel.close().wait()
        #expect(result(replies[0]) == .failure(.connectionLost))
        let late = channel.eventLoop.makePromise(of: RESPValue.self)
        channel.pipeline.write(RedisOutbound(bytes: channel.allocator.buffer(capacity: 0), replies: [late]), promise: nil)
        #expect(result(late.futureResult) == .failure(.connectionLost))
    }

    @Test("pub/sub messages are recognised in RESP2 arrays and RESP3 pushes; other values are not messages")
    func messages() {
        #expect(RedisSubscriber.message(.array([.bulk("message"), .bulk("ops"), .bulk("hi")]))
            == RedisMessage(channel: "ops", pattern: nil, payload: Array("hi".utf8)))
        #expect(RedisSubscriber.message(.push([.bulk("pmessage"), .bulk("s:*"), .bulk("s:a"), .bulk("x")]))
            == RedisMessage(channel: "s:a", pattern: "s:*", payload: Array("x".utf8)))
        #expect(RedisSubscriber.message(.array([.bulk("subscribe"), .bulk("ops"), .integer(1)])) == nil)
        #expect(RedisSubscriber.message(.array([.bulk("message"), .bulk("ops")])) == nil)
        #expect(RedisSubscriber.message(.integer(1)) == nil)
    }
}

/// Carries a completion out of a callback EmbeddedEventLoop runs inline on the test's thread.
private final class ResultBox: @unchecked Sendable {
    var result: Result<RESPValue, RedisError>?
}
