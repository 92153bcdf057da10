import NIOCore
import SluiceTLS
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

    /// Adds the handler `makeHandler` makes at the front of `channel`'s pipeline with a watcher
    /// behind it, at once when on the channel's event loop (before any further bytes can be read),
    /// else on it; the future completes when the handshake is done, or fails with why it could not
    /// start or did not finish.
    static func start(on channel: any Channel,
                      _ makeHandler: @escaping @Sendable () throws -> TLSHandler) -> EventLoopFuture<Void> {
        let install: @Sendable () -> EventLoopFuture<Void> = {
            let promise = channel.eventLoop.makePromise(of: Void.self)
            do {
                let tlsHandler = try makeHandler()
                let operations = channel.pipeline.syncOperations
                try operations.addHandler(tlsHandler, position: .first)
                try operations.addHandler(TLSHandshakeWatcher(promise: promise), position: .after(tlsHandler))
            } catch {
                promise.fail(error)
            }
            return promise.futureResult
        }
        return channel.eventLoop.inEventLoop ? install() : channel.eventLoop.flatSubmit(install)
    }
}
