import NIOCore
import SluiceConfig
import SluiceCore

/// Drives one ``SMTPServerSession`` over a channel: feeds it bytes, performs its actions, runs
/// its timers, and stops reading while the session does not want input (backpressure).
final class SMTPServerHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Installs TLS on a channel at STARTTLS; the future completes when the handshake is done.
    typealias TLSStarter = @Sendable (Channel) -> EventLoopFuture<Void>

    private var session: SMTPServerSession?
    private let makeSession: (IPAddress) -> SMTPServerSession
    private let receiver: any MessageReceiver
    private let clock: any Clock
    private let startTLS: TLSStarter?
    private var idleTimer: Scheduled<Void>?
    private var sessionTimer: Scheduled<Void>?
    private var readPending = false

    init(makeSession: @escaping (IPAddress) -> SMTPServerSession, receiver: any MessageReceiver,
         clock: any Clock, startTLS: TLSStarter?) {
        self.makeSession = makeSession
        self.receiver = receiver
        self.clock = clock
        self.startTLS = startTLS
    }

    func channelActive(context: ChannelHandlerContext) {
        guard let text = context.channel.remoteAddress?.ipAddress, let address = IPAddress(text) else {
            context.close(promise: nil)
            return
        }
        var session = makeSession(address)
        let actions = session.start()
        self.session = session
        let loop = context.eventLoop.assumeIsolated()
        sessionTimer = loop.scheduleTask(in: .milliseconds(session.configuration.sessionTimeout.milliseconds)) { [self] in
            timedOut(.session, context: context)
        }
        armIdleTimer(context: context)
        perform(actions, context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        session?.connectionClosed()
        idleTimer?.cancel()
        sessionTimer?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard var session else { return }
        let bytes = unwrapInboundIn(data)
        armIdleTimer(context: context)
        let actions = session.receive(bytes, now: clock.now())
        self.session = session
        perform(actions, context: context)
    }

    func read(context: ChannelHandlerContext) {
        if session?.wantsInput ?? true {
            context.read()
        } else {
            readPending = true
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func armIdleTimer(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        guard let timeout = session?.configuration.idleTimeout else { return }
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(timeout.milliseconds)) { [self] in
            timedOut(.idle, context: context)
        }
    }

    private func timedOut(_ timeout: SMTPServerSession.Timeout, context: ChannelHandlerContext) {
        guard var session else { return }
        let actions = session.timedOut(timeout)
        self.session = session
        perform(actions, context: context)
    }

    private func perform(_ actions: [SMTPServerSession.Action], context: ChannelHandlerContext) {
        var wrote = false
        for action in actions {
            switch action {
            case .send(let reply):
                context.write(wrapOutboundOut(ByteBuffer(string: reply.wireText)), promise: nil)
                wrote = true
            case .deliver(let message):
                deliver(message, context: context)
            case .startTLS:
                beginTLS(context: context)
            case .close:
                let done = context.eventLoop.makePromise(of: Void.self)
                context.writeAndFlush(wrapOutboundOut(ByteBuffer()), promise: done)
                done.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
                return
            }
        }
        if wrote { context.flush() }
        resumeReadingIfWanted(context: context)
    }

    private func deliver(_ message: ReceivedMessage, context: ChannelHandlerContext) {
        let receiver = self.receiver
        let promise = context.eventLoop.makePromise(of: ReceiveResult.self)
        promise.completeWithTask { await receiver.receive(message) }
        promise.futureResult.assumeIsolated().whenSuccess { [self] result in
            guard var session, !session.isClosed else { return }
            let actions = session.deliveryFinished(result, now: clock.now())
            self.session = session
            armIdleTimer(context: context)
            perform(actions, context: context)
        }
    }

    private func beginTLS(context: ChannelHandlerContext) {
        guard let startTLS else {
            context.close(promise: nil)
            return
        }
        // The 220 must leave in plain text before the TLS handler is installed.
        context.flush()
        let channel = context.channel
        startTLS(channel).assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success:
                guard var session else { return }
                let actions = session.tlsEstablished()
                self.session = session
                perform(actions, context: context)
            case .failure:
                context.close(promise: nil)
            }
        }
    }

    private func resumeReadingIfWanted(context: ChannelHandlerContext) {
        guard readPending, session?.wantsInput ?? false else { return }
        readPending = false
        context.read()
    }
}
