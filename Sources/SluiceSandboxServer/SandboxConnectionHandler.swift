import NIOCore
import SluiceConfig
import SluiceBase
import SluiceSandbox
import SluiceSMTP

/// Serves one client connection for a ``SandboxReceiver``: frames the bytes with SluiceSMTP's
/// ``SMTPLineFramer`` and ``DataReceiver`` (content is counted, never stored, so a client cannot
/// make the sandbox hold more than one command line), parses commands with SluiceBase's
/// ``SMTPCommandParser``, asks the receiver for each command's ``SandboxAction``, waits the
/// action's delay, sends the reply and closes when told to. Replies leave in command order; while
/// one is delayed no further input is processed and, past
/// ``SandboxServerLimits/maximumBufferedBytes``, none is read (backpressure).
final class SandboxConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let receiver: SandboxReceiver
    private let limits: SandboxServerLimits
    private let clock: any Clock
    private let counters: SandboxServerCounters
    private var session: SandboxSession?
    private var lines: SMTPLineFramer
    /// Counts the content after a `354`; nil while reading commands.
    private var content: DataReceiver?
    private var buffer = ByteBuffer()
    /// A delayed reply is pending: input waits.
    private var busy = false
    private var closing = false
    private var readPending = false
    private var protocolErrors = 0
    private var idleTimer: Scheduled<Void>?

    init(receiver: SandboxReceiver, limits: SandboxServerLimits, clock: any Clock, counters: SandboxServerCounters) {
        self.receiver = receiver
        self.limits = limits
        self.clock = clock
        self.counters = counters
        self.lines = SMTPLineFramer(maximumLength: limits.maximumLineLength)
    }

    func channelActive(context: ChannelHandlerContext) {
        guard let text = context.channel.remoteAddress?.ipAddress, let address = IPAddress(text) else {
            context.close(promise: nil)
            return
        }
        let (session, greeting) = receiver.connect(from: address, at: clock.now())
        self.session = session
        armIdleTimer(context: context)
        perform(greeting, context: context)
        context.flush()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closing = true
        idleTimer?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        var bytes = unwrapInboundIn(data)
        buffer.writeBuffer(&bytes)
        armIdleTimer(context: context)
        process(context: context)
    }

    func read(context: ChannelHandlerContext) {
        if buffer.readableBytes >= limits.maximumBufferedBytes {
            readPending = true
        } else {
            context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closing = true
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            closing = true
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: - Processing

    /// Answers every complete command in the buffer, stopping at a delayed reply or a close.
    private func process(context: ChannelHandlerContext) {
        while !busy, !closing, var session {
            guard let input = nextInput() else { break }
            let action: SandboxAction
            switch input {
            case .command(let command):
                action = receiver.handle(command, in: &session, at: clock.now())
                if command == .data, action.reply.code == 354 {
                    content = DataReceiver(maximumSize: .max, keepsContent: false)
                }
                // Only unknown or malformed commands count: a pipelining client legitimately meets
                // "no valid recipients" at DATA after every RCPT was refused.
                switch command {
                case .unrecognized, .malformed: protocolErrors += 1
                default: break
                }
            case .endOfData(let size):
                action = receiver.handle(.endOfData(size: size), in: &session, at: clock.now())
            case .lineTooLong:
                counters.recordLineTooLong()
                action = SandboxAction(reply: SMTPReply(500, "5.5.6", "Line too long"), close: true)
            }
            self.session = session
            var farewell: SMTPReply?
            if protocolErrors >= limits.maximumProtocolErrors, !action.close {
                counters.recordTooManyErrors()
                farewell = SMTPReply(421, "4.7.0", "Too many errors, closing connection")
            }
            perform(action, farewell: farewell, context: context)
        }
        context.flush()
        buffer.discardReadBytes()
        if readPending, !busy, !closing, buffer.readableBytes < limits.maximumBufferedBytes {
            readPending = false
            context.read()
        }
    }

    private enum Input {
        case command(SandboxCommand)
        /// The final `.` of the content; `size` counts the content's bytes after removing the
        /// transparency dots (RFC 5321 §4.5.2), line endings included.
        case endOfData(size: Int)
        /// A command line longer than ``SandboxServerLimits/maximumLineLength``, reported as soon
        /// as it cannot end within the limit.
        case lineTooLong
    }

    /// The next complete input in the buffer, consuming it; nil when more bytes are needed.
    private func nextInput() -> Input? {
        if content != nil {
            guard content?.consume(&buffer) != nil, let size = content?.size else { return nil }
            content = nil
            return .endOfData(size: size)
        }
        switch lines.next(from: &buffer) {
        case .line(let line): return .command(SandboxCommand(line: line))
        case .tooLong: return .lineTooLong
        case nil: return lines.isDiscardingLongLine ? .lineTooLong : nil
        }
    }

    /// Sends the action's reply now or after its delay (followed by `farewell` and a close when
    /// one is given), then closes or carries on.
    private func perform(_ action: SandboxAction, farewell: SMTPReply? = nil, context: ChannelHandlerContext) {
        guard action.delay.milliseconds > 0 else {
            send(action, farewell: farewell, context: context)
            return
        }
        busy = true
        context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(action.delay.milliseconds)) { [self] in
            busy = false
            guard !closing else { return }
            send(action, farewell: farewell, context: context)
            context.flush()
            process(context: context)
        }
    }

    private func send(_ action: SandboxAction, farewell: SMTPReply? = nil, context: ChannelHandlerContext) {
        guard !closing else { return }
        context.write(wrapOutboundOut(ByteBuffer(string: action.reply.wireText)), promise: nil)
        if let farewell { context.write(wrapOutboundOut(ByteBuffer(string: farewell.wireText)), promise: nil) }
        guard action.close || farewell != nil else { return }
        closing = true
        idleTimer?.cancel()
        context.writeAndFlush(wrapOutboundOut(ByteBuffer())).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private func armIdleTimer(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(limits.idleTimeout.milliseconds)) { [self] in
            guard !closing else { return }
            counters.recordIdleTimeout()
            send(SandboxAction(reply: SMTPReply(421, "4.4.2", "Idle timeout, closing connection")),
                 context: context)
        }
    }
}
