import NIOCore
import SluiceBase

/// Splits the peer's output into lines, assembles replies and hands them, in order, to whoever
/// asked for them. Every wait has a deadline; a timeout, a protocol error or the end of the
/// connection fails all waits and closes the channel. Used on the channel's event loop only.
final class SMTPClientReplyHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let maximumLineLength: Int
    private var buffer = ByteBuffer()
    private var parser = SMTPReplyParser()
    private var replies = CircularBuffer<SMTPReply>()
    private var waiters = CircularBuffer<(promise: EventLoopPromise<SMTPReply>, phase: String, timeout: TimeAmount)>()
    private var timer: Scheduled<Void>?
    private var failure: SMTPClientError?
    private var context: ChannelHandlerContext?

    init(maximumLineLength: Int) {
        self.maximumLineLength = maximumLineLength
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// The next reply, failing with ``SMTPClientError/timedOut(phase:)`` after `timeout`.
    func nextReply(phase: String, timeout: TimeAmount, on loop: any EventLoop) -> EventLoopFuture<SMTPReply> {
        if let reply = replies.popFirst() { return loop.makeSucceededFuture(reply) }
        if let failure { return loop.makeFailedFuture(failure) }
        let promise = loop.makePromise(of: SMTPReply.self)
        waiters.append((promise, phase, timeout))
        if waiters.count == 1 { armTimer() }
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        buffer.writeBuffer(&bytes)
        while failure == nil {
            let view = buffer.readableBytesView
            guard let lf = view.firstIndex(of: 10) else {
                if view.count > maximumLineLength { fail(.protocolError("reply line longer than \(maximumLineLength) bytes")) }
                break
            }
            var end = lf
            if end > view.startIndex && view[end - 1] == 13 { end -= 1 }
            let line = String(decoding: view[view.startIndex..<end], as: UTF8.self)
            buffer.moveReaderIndex(forwardBy: lf - view.startIndex + 1)
            do {
                if let reply = try parser.consume(line: line) { deliver(reply) }
            } catch {
                fail(.protocolError(error.description))
            }
        }
        buffer.discardReadBytes()
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.connectionLost("closed by peer"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.connectionLost("\(error)"))
    }

    private func deliver(_ reply: SMTPReply) {
        if let waiter = waiters.popFirst() {
            timer?.cancel()
            timer = nil
            if !waiters.isEmpty { armTimer() }
            waiter.promise.succeed(reply)
        } else {
            replies.append(reply)
        }
    }

    private func armTimer() {
        guard let context, let first = waiters.first else { return }
        let phase = first.phase
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: first.timeout) { [self] in
            fail(.timedOut(phase: phase))
        }
    }

    /// Fails every wait and closes the channel; later waits fail at once.
    func fail(_ error: SMTPClientError) {
        guard failure == nil else { return }
        failure = error
        timer?.cancel()
        timer = nil
        while let waiter = waiters.popFirst() { waiter.promise.fail(error) }
        context?.close(promise: nil)
    }
}
