import NIOCore
import SluiceConfig
import SluiceBase

/// Runs an ``SMTPClientStateMachine`` on a channel: frames the peer's bytes into replies, feeds
/// them and the channel's events to the machine, and performs the actions it returns — writes,
/// STARTTLS, timeouts on the channel's event loop, completing the opening and transaction
/// promises, closing. It decides nothing itself. Used on the channel's event loop only.
final class SMTPClientHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var machine: SMTPClientStateMachine
    private let tls: SMTPClientTLS?
    private var lines: SMTPLineFramer
    private var parser = SMTPReplyParser()
    private var buffer = ByteBuffer()
    /// Completed when the session is open (or could not be opened).
    private var opening: EventLoopPromise<SMTPClientStateMachine.Session>?
    /// The promises of the transactions requested and not yet finished, oldest first.
    private var outcomes = CircularBuffer<EventLoopPromise<TransactionOutcome>>()
    /// The phase whose reply is awaited and by when; nil while nothing is awaited.
    private var deadline: (phase: SMTPClientPhase, at: NIODeadline)?
    /// The one scheduled check of ``deadline``, due at ``timeoutDue``: arming a phase only moves
    /// the deadline, and a check that comes early schedules itself again (no timer per command).
    private var timeout: Scheduled<Void>?
    private var timeoutDue = NIODeadline.distantFuture
    private var context: ChannelHandlerContext?

    /// Creates the handler of a connection to `host`; `opening` completes once the greeting, EHLO
    /// and STARTTLS are done.
    init(configuration: SMTPClientConfiguration, host: String, tls: SMTPClientTLS?,
         opening: EventLoopPromise<SMTPClientStateMachine.Session>) {
        self.machine = SMTPClientStateMachine(configuration: configuration, host: host, tlsAvailable: tls != nil)
        self.tls = tls
        self.lines = SMTPLineFramer(maximumLength: configuration.maximumReplyLineLength)
        self.opening = opening
    }

    // MARK: - Requests

    /// Sends `transaction` after those requested before; `promise` gets its outcome.
    func send(_ transaction: OutboundTransaction, promise: EventLoopPromise<TransactionOutcome>) {
        outcomes.append(promise)
        perform(machine.transactionRequested(transaction))
    }

    /// QUIT (once the running transaction is done); the channel then closes.
    func quit() {
        perform(machine.quitRequested())
    }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        perform(machine.channelClosed())
        deadline = nil
        timeout?.cancel()
        timeout = nil
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        perform(machine.channelActive())
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(machine.channelClosed())
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        perform(machine.failed(.connectionLost("\(error)")))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        buffer.writeBuffer(&bytes)
        while !machine.isClosed, let line = lines.next(from: &buffer) {
            switch line {
            case .tooLong:
                perform(machine.failed(.protocolError("reply line longer than \(lines.maximumLength) bytes")))
            case .line(let text):
                do {
                    if let reply = try parser.consume(line: text) { perform(machine.replyReceived(reply)) }
                } catch {
                    perform(machine.failed(.protocolError(error.description)))
                }
            }
        }
        if lines.isDiscardingLongLine {
            perform(machine.failed(.protocolError("reply line longer than \(lines.maximumLength) bytes")))
        }
        buffer.discardReadBytes()
    }

    // MARK: - Actions

    /// Performs `actions` in order; what they write leaves in one flush at the end (a pipelined
    /// MAIL, RCPT… and DATA in one segment), or before a close or the TLS handshake.
    private func perform(_ actions: [SMTPClientStateMachine.Action]) {
        var unflushed = false
        defer { if unflushed { context?.flush() } }
        for action in actions {
            switch action {
            case .write(let text):
                write(ByteBuffer(string: text))
                unflushed = true
            case .writeContent(let content):
                write(ByteBuffer(bytes: content))
                unflushed = true
            case .startTLS:
                if unflushed { context?.flush() }
                unflushed = false
                startTLS()
            case .armTimeout(let phase, let span):
                arm(phase, after: span)
            case .cancelTimeout:
                deadline = nil
            case .connectionReady(let session):
                opening?.succeed(session)
                opening = nil
            case .connectionFailed(let error):
                opening?.fail(error)
                opening = nil
            case .finishTransaction(let outcome):
                outcomes.popFirst()?.succeed(outcome)
            case .close:
                deadline = nil
                timeout?.cancel()
                timeout = nil
                if unflushed { context?.flush() }
                unflushed = false
                context?.close(promise: nil)
            }
        }
    }

    /// Queues `bytes` for the next flush. A failed write closes the channel; the machine hears of
    /// it through ``channelInactive(context:)``.
    private func write(_ bytes: ByteBuffer) {
        context?.write(wrapOutboundOut(bytes), promise: nil)
    }

    private func arm(_ phase: SMTPClientPhase, after span: TimeSpan) {
        guard let context else { return }
        let at = context.eventLoop.now + .milliseconds(span.milliseconds)
        deadline = (phase, at)
        scheduleCheck(by: at)
    }

    /// Makes sure the deadline is checked by `due`; a check due earlier is left as it is.
    private func scheduleCheck(by due: NIODeadline) {
        if timeout != nil && timeoutDue <= due { return }
        guard let context else { return }
        timeout?.cancel()
        timeoutDue = due
        timeout = context.eventLoop.assumeIsolated().scheduleTask(deadline: due) { [self] in
            timeout = nil
            guard let deadline else { return }
            if context.eventLoop.now < deadline.at {
                scheduleCheck(by: deadline.at)
            } else {
                self.deadline = nil
                perform(machine.timeoutFired(deadline.phase))
            }
        }
    }

    private func startTLS() {
        // RFC 3207 §4.2: nothing the peer sent before the handshake counts after it.
        buffer.clear()
        lines = SMTPLineFramer(maximumLength: lines.maximumLength)
        parser = SMTPReplyParser()
        guard let tls, let context else {
            perform(machine.tlsFailed("TLS is not set up"))
            return
        }
        tls.starter(context.channel, machine.host).assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success: perform(machine.tlsEstablished())
            case .failure(let error): perform(machine.tlsFailed("\(error)"))
            }
        }
    }
}
