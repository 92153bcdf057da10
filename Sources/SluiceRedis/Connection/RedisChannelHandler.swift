import NIOCore

/// Commands written together and the promises of their replies, in order.
struct RedisOutbound: Sendable {
    /// The encoded commands.
    var bytes: ByteBuffer
    /// One promise per reply expected (a `SUBSCRIBE` of n channels expects n).
    var replies: [EventLoopPromise<RESPValue>]
}

/// Matches Redis's replies to the commands written, in order, on a channel's event loop. Replies
/// that are pub/sub messages go to `onMessage` instead. On a protocol error, a channel error or
/// the channel's close, every pending reply fails and so does every later write.
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisOutbound
    typealias OutboundOut = ByteBuffer

    private var decoder: RESPDecoder
    private var pending = CircularBuffer<EventLoopPromise<RESPValue>>()
    private var failure: RedisError?
    /// Takes a value that is a pub/sub message and returns true, or returns false for a reply.
    private let onMessage: ((RESPValue) -> Bool)?
    /// Called once when the channel is closed.
    private let onClose: (() -> Void)?

    init(limits: RESPLimits, onMessage: ((RESPValue) -> Bool)? = nil, onClose: (() -> Void)? = nil) {
        self.decoder = RESPDecoder(limits: limits)
        self.onMessage = onMessage
        self.onClose = onClose
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let outbound = unwrapOutboundIn(data)
        if let failure {
            for reply in outbound.replies { reply.fail(failure) }
            promise?.fail(failure)
            return
        }
        for reply in outbound.replies { pending.append(reply) }
        context.write(wrapOutboundOut(outbound.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        decoder.append(bytes.readableBytesView)
        do {
            while failure == nil, let value = try decoder.next() {
                if let onMessage, onMessage(value) { continue }
                if case .push = value { continue }
                guard let reply = pending.popFirst() else {
                    fail(.unexpectedReply("a reply with no command waiting"), context: context)
                    return
                }
                reply.succeed(value)
            }
        } catch {
            fail(.protocolError(error), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failPending(.connectionLost)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.connectionLost, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failPending(.connectionLost)
    }

    private func fail(_ error: RedisError, context: ChannelHandlerContext) {
        failPending(error)
        context.close(promise: nil)
    }

    private func failPending(_ error: RedisError) {
        let first = failure == nil
        if first { failure = error }
        while let reply = pending.popFirst() { reply.fail(error) }
        if first { onClose?() }
    }
}
