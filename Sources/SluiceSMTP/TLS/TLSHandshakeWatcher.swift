import NIOCore
import NIOTLS

/// Sits right behind a TLS handler and completes a promise when the handshake has finished
/// (or fails it when the handshake fails or the connection ends first), then removes itself.
final class TLSHandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private var promise: EventLoopPromise<Void>?

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            promise?.succeed()
            promise = nil
            context.fireUserInboundEventTriggered(event)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise?.fail(error)
        promise = nil
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise?.fail(ChannelError.ioOnClosedChannel)
        promise = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        promise?.fail(ChannelError.ioOnClosedChannel)
        promise = nil
    }

    /// Adds `tlsHandler` at the front of `channel`'s pipeline with a watcher behind it; the
    /// future completes when the handshake is done. Call on the channel's event loop.
    static func install(_ tlsHandler: some ChannelHandler & RemovableChannelHandler, on channel: any Channel) -> EventLoopFuture<Void> {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        do {
            let operations = channel.pipeline.syncOperations
            try operations.addHandler(tlsHandler, position: .first)
            try operations.addHandler(TLSHandshakeWatcher(promise: promise), position: .after(tlsHandler))
        } catch {
            promise.fail(error)
        }
        return promise.futureResult
    }

    /// Runs `body` now when on `channel`'s event loop, else submits it there.
    static func onLoop(_ channel: any Channel, _ body: @escaping @Sendable () -> EventLoopFuture<Void>) -> EventLoopFuture<Void> {
        channel.eventLoop.inEventLoop ? body() : channel.eventLoop.flatSubmit(body)
    }
}
