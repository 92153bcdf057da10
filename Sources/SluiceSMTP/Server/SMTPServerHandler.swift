import NIOCore
import SluiceConfig
import SluiceBase

/// Drives one ``SMTPServerSession`` over a channel: admits the connection through the node's
/// ``InboundGate``, feeds the session bytes, performs its actions, watches its timeouts (idle,
/// whole session, command line, data rate: deadlines, with one scheduled check for the earliest),
/// accounts for the memory its message content holds, and stops reading while the session does
/// not want input (backpressure).
final class SMTPServerHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Installs TLS on a channel at STARTTLS; the future completes when the handshake is done.
    typealias TLSStarter = @Sendable (Channel) -> EventLoopFuture<Void>

    private(set) var session: SMTPServerSession?
    private let configuration: SMTPServerConfiguration
    private let policies: any SourcePolicyProvider
    private let gate: InboundGate
    private let sessionNumber: UInt64
    private let receiver: any MessageReceiver
    private let clock: any Clock
    private let startTLS: TLSStarter?
    /// The connection is TLS from its first byte.
    private let implicitTLS: Bool
    private var admitted: IPAddress?
    /// The source group the admitted connection counts against.
    private var admittedGroup: String?
    /// The one scheduled check of the deadlines below, due at ``watchdogDue``: activity only
    /// moves deadlines, and a check that comes early schedules itself again (no timer per read,
    /// per command or per message).
    private var watchdog: Scheduled<Void>?
    private var watchdogDue = NIODeadline.distantFuture
    /// When the whole session's time is up.
    private var sessionDeadline = NIODeadline.distantFuture
    /// When the connection counts as idle, moved by every read and every reply.
    private var idleDeadline = NIODeadline.distantFuture
    /// When the command line being read must be complete; nil between command lines.
    private var commandDeadline: NIODeadline?
    /// When the current data-rate window ends; nil outside DATA (or with the check off).
    private var dataRateWindowEnd: NIODeadline?
    /// Content bytes read since the data-rate window began.
    private var dataBytesInWindow = 0
    /// Message memory taken from the gate for this session's message.
    private var heldMemory = 0
    /// True from the hand-over of a message to the receiver until its answer.
    private var storing = false
    private var readPending = false

    init(configuration: SMTPServerConfiguration, policies: any SourcePolicyProvider, gate: InboundGate,
         sessionNumber: UInt64, receiver: any MessageReceiver, clock: any Clock, startTLS: TLSStarter?,
         implicitTLS: Bool = false) {
        self.configuration = configuration
        self.policies = policies
        self.gate = gate
        self.sessionNumber = sessionNumber
        self.receiver = receiver
        self.clock = clock
        self.startTLS = startTLS
        self.implicitTLS = implicitTLS
    }

    func channelActive(context: ChannelHandlerContext) {
        guard let text = context.channel.remoteAddress?.ipAddress, let address = IPAddress(text) else {
            context.close(promise: nil)
            return
        }
        let policy = policies.policy(for: address)
        if let refusal = gate.admit(address, policy: policy) {
            let reply = SMTPReply(421, "4.3.2", "\(configuration.hostName) Too many connections (\(refusal.rawValue)), try again later")
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply.wireText)))
                .assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            context.fireChannelActive()
            return
        }
        admitted = address
        admittedGroup = policy.connectionGroup?.name
        if policy.logConnections {
            gate.log("smtp-in: connection \(sessionNumber) from \(address) to \(context.channel.localAddress.map { "\($0)" } ?? "?")")
        }
        var session = SMTPServerSession(configuration: configuration, policy: policy, clientAddress: address,
                                        tlsAvailable: startTLS != nil, sessionNumber: sessionNumber,
                                        serverAddress: context.channel.localAddress?.ipAddress.flatMap(IPAddress.init),
                                        tlsActive: implicitTLS)
        let actions = session.start()
        self.session = session
        sessionDeadline = context.eventLoop.now + .milliseconds(configuration.sessionTimeout.milliseconds)
        armIdleTimer(context: context)
        perform(actions, context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        _ = withSession { $0.connectionClosed() }
        watchdog?.cancel()
        watchdog = nil
        releaseMemory()
        if let admitted {
            if session?.policy.logConnections == true {
                gate.log("smtp-in: connection \(sessionNumber) from \(admitted) closed")
            }
            gate.release(admitted, group: admittedGroup)
            self.admitted = nil
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        armIdleTimer(context: context)
        if dataRateWindowEnd != nil { dataBytesInWindow += bytes.readableBytes }
        let exhausted = gate.memoryExhausted
        guard let actions = withSession({ session -> [SMTPServerSession.Action] in
            session.memoryExhausted = exhausted
            return session.receive(bytes, now: clock.now())
        }) else { return }
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

    /// Runs `body` on the session in place: neither a copy of the session (its configuration and
    /// policy are many references) nor a second reference to its buffers, which would then be
    /// copied on write (a copy per read would make reading a message quadratic in its size). nil
    /// when there is no session.
    private func withSession<T>(_ body: (inout SMTPServerSession) -> T) -> T? {
        session?.mutate(body)
    }

    /// Restarts the idle timeout: only the deadline moves.
    private func armIdleTimer(context: ChannelHandlerContext) {
        guard session != nil else { return }
        idleDeadline = context.eventLoop.now + .milliseconds(configuration.idleTimeout.milliseconds)
        if watchdog == nil { scheduleWatchdog(context: context) }
    }

    /// The earliest deadline being watched.
    private var earliestDeadline: NIODeadline {
        min(sessionDeadline, idleDeadline, commandDeadline ?? .distantFuture, dataRateWindowEnd ?? .distantFuture)
    }

    /// Makes sure the check runs by the earliest deadline; a check due earlier is left as it is.
    private func scheduleWatchdog(context: ChannelHandlerContext) {
        let due = earliestDeadline
        if watchdog != nil && watchdogDue <= due { return }
        watchdog?.cancel()
        watchdogDue = due
        watchdog = context.eventLoop.assumeIsolated().scheduleTask(deadline: due) { [self] in
            watchdog = nil
            checkDeadlines(context: context)
        }
    }

    /// Acts on the earliest deadline that has passed (a data-rate window that brought enough
    /// starts the next one), then schedules the next check.
    private func checkDeadlines(context: ChannelHandlerContext) {
        guard session != nil else { return }
        let now = context.eventLoop.now
        var passed: [(deadline: NIODeadline, timeout: SMTPServerSession.Timeout)] = []
        if sessionDeadline <= now { passed.append((sessionDeadline, .session)) }
        if idleDeadline <= now { passed.append((idleDeadline, .idle)) }
        if let commandDeadline, commandDeadline <= now { passed.append((commandDeadline, .command)) }
        if let dataRateWindowEnd, dataRateWindowEnd <= now { passed.append((dataRateWindowEnd, .dataRate)) }
        if let first = passed.min(by: { $0.deadline < $1.deadline }) {
            switch first.timeout {
            case .dataRate:
                let window = configuration.dataRateWindow.milliseconds
                let minimum = Int64(configuration.minimumDataRate) * window / 1000
                let received = dataBytesInWindow
                dataBytesInWindow = 0
                if Int64(received) < minimum {
                    dataRateWindowEnd = nil
                    timedOut(.dataRate, context: context)
                } else {
                    dataRateWindowEnd = now + .milliseconds(window)
                }
            case .command:
                commandDeadline = nil
                timedOut(.command, context: context)
            case let timeout:
                timedOut(timeout, context: context)
            }
        }
        guard session?.isClosed == false else { return }
        scheduleWatchdog(context: context)
    }

    private func timedOut(_ timeout: SMTPServerSession.Timeout, context: ChannelHandlerContext) {
        guard let actions = withSession({ $0.timedOut(timeout) }) else { return }
        perform(actions, context: context)
    }

    /// After the session has acted: starts or stops the command-line timeout and the data-rate
    /// check, and brings the message memory taken from the gate in line with what the session
    /// holds (refusing the message when the gate has no more).
    private func updateWatches(context: ChannelHandlerContext) {
        // Read in place: `guard let session` would copy the whole session.
        guard let session = session?.watchedState, !session.isClosed else { return }
        if session.readingCommandLine {
            if commandDeadline == nil {
                commandDeadline = context.eventLoop.now + .milliseconds(configuration.commandTimeout.milliseconds)
            }
        } else {
            commandDeadline = nil
        }
        if session.isReadingData {
            if dataRateWindowEnd == nil && configuration.minimumDataRate > 0 {
                dataBytesInWindow = 0
                dataRateWindowEnd = context.eventLoop.now + .milliseconds(configuration.dataRateWindow.milliseconds)
            }
            let wanted = session.bufferedContentBytes
            if wanted > heldMemory {
                if gate.reserveMessageMemory(wanted - heldMemory) {
                    heldMemory = wanted
                } else {
                    _ = withSession { $0.refuseMessageForMemory() }
                    releaseMemory()
                }
            }
        } else {
            dataRateWindowEnd = nil
            // A message handed to the receiver keeps its memory until it is stored.
            if !storing { releaseMemory() }
        }
        scheduleWatchdog(context: context)
    }

    private func releaseMemory() {
        guard heldMemory > 0 else { return }
        gate.releaseMessageMemory(heldMemory)
        heldMemory = 0
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
        updateWatches(context: context)
        resumeReadingIfWanted(context: context)
    }

    private func deliver(_ message: ReceivedMessage, context: ChannelHandlerContext) {
        let receiver = self.receiver
        storing = true
        let promise = context.eventLoop.makePromise(of: ReceiveResult.self)
        promise.completeWithTask { await receiver.receive(message) }
        promise.futureResult.assumeIsolated().whenSuccess { [self] result in
            storing = false
            releaseMemory()
            guard session?.isClosed == false,
                  let actions = withSession({ $0.deliveryFinished(result, now: clock.now()) }) else { return }
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
                guard let actions = withSession({ $0.tlsEstablished() }) else { return }
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

extension SMTPServerSession {
    /// What the handler's timers and memory accounting look at after each action.
    fileprivate struct WatchedState {
        var isClosed: Bool
        var readingCommandLine: Bool
        var isReadingData: Bool
        var bufferedContentBytes: Int
    }

    fileprivate var watchedState: WatchedState {
        WatchedState(isClosed: isClosed, readingCommandLine: readingCommandLine, isReadingData: isReadingData,
                     bufferedContentBytes: bufferedContentBytes)
    }

    /// Runs `body` on this session (through optional chaining, in place).
    fileprivate mutating func mutate<T>(_ body: (inout SMTPServerSession) -> T) -> T {
        body(&self)
    }
}
