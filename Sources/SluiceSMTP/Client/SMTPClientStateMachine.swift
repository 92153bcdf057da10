import SluiceConfig
import SluiceBase

/// One delivery connection's SMTP session as a pure state machine (the pattern of postgres-nio's
/// `ConnectionStateMachine`): every event — the channel became active, a reply arrived, the TLS
/// handshake ended, a transaction or QUIT was requested, a timeout fired, the connection broke —
/// is a mutating call returning the ``Action``s to perform, in order. No I/O, no clock: timeouts
/// are actions to arm and events when they fire. ``SMTPClientHandler`` performs the actions.
///
/// The session: greeting, EHLO (HELO when EHLO is refused with 5xx), STARTTLS as
/// ``SMTPClientConfiguration/tlsPolicy`` says (EHLO again after the handshake), then transactions,
/// one at a time in the order requested (RSET first when the one before left the peer's
/// transaction open), and QUIT. A 421 ends the session at once; so does a timeout, a malformed
/// reply or a lost connection, each transaction still waiting getting its outcome.
///
/// Invariant: every ``transactionRequested(_:)`` gets exactly one ``Action/finishTransaction(_:)``,
/// in the order requested; opening ends with exactly one ``Action/connectionReady(_:)`` or
/// ``Action/connectionFailed(_:)``.
public struct SMTPClientStateMachine: Sendable {
    /// Something the connection must do.
    public enum Action: Hashable, Sendable {
        /// Send these command lines.
        case write(String)
        /// Send this content (dot-stuffed, with the end-of-data mark).
        case writeContent([UInt8])
        /// Start the TLS handshake and report it with ``tlsEstablished()`` or ``tlsFailed(_:)``.
        case startTLS
        /// Call ``timeoutFired(_:)`` with the phase after this long, unless re-armed or cancelled
        /// first. One timeout is armed at a time: arming replaces the one armed.
        case armTimeout(SMTPClientPhase, after: TimeSpan)
        /// Disarm the armed timeout.
        case cancelTimeout
        /// The session is open: ready for transactions.
        case connectionReady(Session)
        /// The session could not be opened.
        case connectionFailed(SMTPClientError)
        /// The oldest transaction still waiting has this outcome.
        case finishTransaction(TransactionOutcome)
        /// Close the connection.
        case close
    }

    /// What the peer said while the session was opened.
    public struct Session: Hashable, Sendable {
        /// The greeting.
        public var greeting: SMTPReply
        /// The capabilities of the last EHLO (``ESMTPCapabilities/none`` after HELO).
        public var capabilities: ESMTPCapabilities
        /// True after a successful STARTTLS.
        public var tlsActive: Bool
    }

    private enum State: Sendable {
        /// Waiting for the channel to become active.
        case connecting
        case greeting
        /// EHLO sent; the session so far.
        case ehlo(Session)
        /// HELO sent after EHLO was refused.
        case helo(Session)
        /// STARTTLS sent; the session's capabilities are those of the EHLO before.
        case startTLS(Session)
        case tlsHandshake(Session)
        /// Open, no transaction running.
        case ready
        /// RSET sent before this transaction.
        case resetting(OutboundTransaction)
        /// A transaction runs: ``SMTPClientStateMachine/running``.
        case transaction
        case quitting
        case closed
    }

    /// The settings: HELO name, TLS policy, timeouts.
    let configuration: SMTPClientConfiguration
    /// The peer's host name or address, for diagnostics.
    let host: String
    /// Whether the connection can start TLS at all.
    let tlsAvailable: Bool

    private var state = State.connecting
    /// What the peer announced once the session is open.
    private var capabilities = ESMTPCapabilities.none
    /// The peer holds an open transaction: RSET before the next one.
    private var needsReset = false
    /// Transactions requested while another runs, oldest first.
    private var pending: [OutboundTransaction] = []
    /// QUIT once the transactions requested before it are done.
    private var quitWhenDone = false
    /// The phase whose timeout is armed.
    private var armed: SMTPClientPhase?
    /// The transaction in the `.transaction` state, kept outside the state so that each reply
    /// changes it in place (bound out of an enum case, it would be copied per reply).
    private var running: SMTPClientTransaction?

    /// Creates the machine for a connection to `host`; `tlsAvailable` when STARTTLS can be started.
    public init(configuration: SMTPClientConfiguration, host: String, tlsAvailable: Bool) {
        self.configuration = configuration
        self.host = host
        self.tlsAvailable = tlsAvailable
    }

    /// True once the session has ended (or failed to open); requests are answered at once.
    public var isClosed: Bool { if case .closed = state { return true } else { return false } }

    // MARK: - Events

    /// The TCP connection is established: wait for the greeting.
    public mutating func channelActive() -> [Action] {
        guard case .connecting = state else { return [] }
        state = .greeting
        return [arm(.greeting)]
    }

    /// The peer sent a complete reply.
    public mutating func replyReceived(_ reply: SMTPReply) -> [Action] {
        switch state {
        case .greeting:
            guard reply.code == 220 else { return refuseToOpen(.greetingRefused(reply)) }
            return ehlo(Session(greeting: reply, capabilities: .none, tlsActive: false))
        case .ehlo(var session):
            if reply.code == 250 {
                session.capabilities = ESMTPCapabilities(ehloReply: reply)
                return helloDone(session)
            }
            guard reply.severity == .permanentFailure else { return failed(.refused(reply)) }
            state = .helo(session)
            return [.write(SMTPCommand.helo(configuration.heloName).wireText), arm(.helo)]
        case .helo(var session):
            guard reply.code == 250 else { return failed(.refused(reply)) }
            session.capabilities = .none
            return helloDone(session)
        case .startTLS(let session):
            if reply.code == 220 {
                state = .tlsHandshake(session)
                return [.startTLS, arm(.tlsHandshake)]
            }
            guard configuration.tlsPolicy != .required else { return failed(.tlsFailed(reply.dsnDiag)) }
            return open(session)
        case .resetting(let transaction):
            guard reply.code == 250 else { return failed(.refused(reply)) }
            needsReset = false
            return begin(transaction)
        case .transaction:
            guard let step = running?.receive(reply) else { return failed(.protocolError("no transaction running")) }
            // 421: the peer is closing the session (RFC 5321 §3.8); nothing more is sent.
            if reply.code == 421 { return finish(abandoned: true) }
            switch step {
            case .send(let text, let phase): return [.write(text), arm(phase)]
            case .sendContent(let content, let phase): return [.writeContent(content), arm(phase)]
            case .await(let phase): return [arm(phase)]
            case .done: return finish(abandoned: false)
            }
        case .quitting:
            return close()
        case .connecting, .tlsHandshake, .ready:
            return failed(.protocolError("unexpected reply: \(reply.dsnDiag)"))
        case .closed:
            return []
        }
    }

    /// The TLS handshake has finished: EHLO again (RFC 3207 §4.2).
    public mutating func tlsEstablished() -> [Action] {
        guard case .tlsHandshake(var session) = state else { return [] }
        session.tlsActive = true
        return ehlo(session)
    }

    /// The TLS handshake failed.
    public mutating func tlsFailed(_ why: String) -> [Action] {
        guard case .tlsHandshake = state else { return [] }
        return failed(.tlsFailed(why))
    }

    /// The owner asks for `transaction` to be sent; its outcome comes with
    /// ``Action/finishTransaction(_:)`` after those of the transactions requested before it.
    public mutating func transactionRequested(_ transaction: OutboundTransaction) -> [Action] {
        switch state {
        case .ready:
            pending.append(transaction)
            return proceed()
        case .resetting, .transaction:
            pending.append(transaction)
            return []
        case .connecting, .greeting, .ehlo, .helo, .startTLS, .tlsHandshake, .quitting, .closed:
            return [.finishTransaction(Self.unusable(transaction))]
        }
    }

    /// The owner asks for QUIT: now when no transaction runs, else once the running one is done;
    /// transactions not yet started are not sent (their outcomes say the connection is not usable).
    public mutating func quitRequested() -> [Action] {
        switch state {
        case .ready:
            return quit()
        case .resetting, .transaction:
            quitWhenDone = true
            return []
        case .connecting, .greeting, .ehlo, .helo, .startTLS, .tlsHandshake:
            return failed(.connectionLost("closed while connecting"))
        case .quitting, .closed:
            return []
        }
    }

    /// The timeout armed for `phase` fired.
    public mutating func timeoutFired(_ phase: SMTPClientPhase) -> [Action] {
        guard armed == phase else { return [] }
        armed = nil
        if case .quitting = state { return close() }
        return failed(.timedOut(phase: phase.description))
    }

    /// The connection broke (a malformed or overlong reply, a write or socket error), or the
    /// session cannot go on: opening fails, or the running transaction ends with what it has (the
    /// error's reply standing for the missing ones); the pending ones are not sent.
    public mutating func failed(_ error: SMTPClientError) -> [Action] {
        switch state {
        case .connecting, .greeting, .ehlo, .helo, .startTLS, .tlsHandshake:
            state = .closed
            armed = nil
            return [.connectionFailed(error), .close]
        case .resetting(let transaction):
            return [.finishTransaction(Self.unsent(transaction, reply: error.reply))] + close()
        case .transaction:
            guard var transaction = running else { return close() }
            running = nil
            if configuration.assumeDeliveryUponDataTerminationTimeout, transaction.data?.code == 354, transaction.final == nil,
               error == .timedOut(phase: SMTPClientPhase.endOfData.description) {
                // The peer most likely has the message; deferring would deliver it twice.
                transaction.final = SMTPReply(250, "2.0.0", "assumed delivered: \(error.diagnostic) "
                                                          + "(assume-delivery-upon-data-termination-timeout)")
            }
            return [.finishTransaction(transaction.outcome(interruption: error.reply, connectionReusable: false))] + close()
        case .ready, .quitting:
            return close()
        case .closed:
            return []
        }
    }

    /// The channel closed.
    mutating func channelClosed() -> [Action] {
        switch state {
        case .closed:
            return []
        case .quitting:
            state = .closed
            armed = nil
            return []
        default:
            return failed(.connectionLost("closed by peer"))
        }
    }

    // MARK: - Opening

    private mutating func ehlo(_ session: Session) -> [Action] {
        state = .ehlo(session)
        return [.write(SMTPCommand.ehlo(configuration.heloName).wireText), arm(.ehlo)]
    }

    private mutating func helloDone(_ session: Session) -> [Action] {
        if !session.tlsActive && configuration.tlsPolicy != .never && session.capabilities.startTLS && tlsAvailable {
            state = .startTLS(session)
            return [.write(SMTPCommand.startTLS.wireText), arm(.startTLS)]
        }
        if configuration.tlsPolicy == .required && !session.tlsActive { return refuseToOpen(.tlsUnavailable) }
        return open(session)
    }

    private mutating func open(_ session: Session) -> [Action] {
        capabilities = session.capabilities
        state = .ready
        return disarm() + [.connectionReady(session)]
    }

    /// Ends an opening the peer refused (greeting) or that policy forbids (no TLS): QUIT, then close.
    private mutating func refuseToOpen(_ error: SMTPClientError) -> [Action] {
        state = .closed
        armed = nil
        return [.write(SMTPCommand.quit.wireText), .connectionFailed(error), .close]
    }

    // MARK: - Transactions

    /// Runs the pending transactions in order while the session is ready; QUIT after them when asked.
    private mutating func proceed() -> [Action] {
        var actions: [Action] = []
        while case .ready = state, !pending.isEmpty {
            let transaction = pending.removeFirst()
            if quitWhenDone {
                actions.append(.finishTransaction(Self.unusable(transaction)))
            } else {
                actions += start(transaction)
            }
        }
        guard case .ready = state else { return actions }
        return actions + (quitWhenDone ? quit() : disarm())
    }

    private mutating func start(_ transaction: OutboundTransaction) -> [Action] {
        if let limit = capabilities.size, limit > 0, transaction.content.count > limit {
            let reply = SMTPReply(552, "5.3.4", "Message size \(transaction.content.count) exceeds the limit \(limit) of \(host)")
            return [.finishTransaction(.assemble(addresses: transaction.recipients.map(\.address), mail: reply, rcpts: [],
                                                 data: nil, final: nil, interruption: reply, connectionReusable: true))]
        }
        guard !needsReset else {
            state = .resetting(transaction)
            return [.write(SMTPCommand.rset.wireText), arm(.reset)]
        }
        return begin(transaction)
    }

    private mutating func begin(_ outbound: OutboundTransaction) -> [Action] {
        let transaction = SMTPClientTransaction(outbound, capabilities: capabilities, ignore8BitMIME: configuration.ignore8BitMIME,
                                                ignoreDSN: configuration.ignoreDSN)
        running = transaction
        state = .transaction
        return [.write(transaction.opening), arm(.mail)]
    }

    /// The transaction's replies are all in (or a 421 ended it: `abandoned`).
    private mutating func finish(abandoned: Bool) -> [Action] {
        guard let transaction = running else { return close() }
        running = nil
        needsReset = transaction.needsReset
        let interruption = SMTPReply(451, "4.4.2", "transaction with \(host) ended without a final reply")
        let outcome = transaction.outcome(interruption: interruption, connectionReusable: !abandoned && !quitWhenDone)
        guard !abandoned else {
            return [.finishTransaction(outcome)] + close()
        }
        state = .ready
        return [.finishTransaction(outcome)] + proceed()
    }

    // MARK: - Closing

    private mutating func quit() -> [Action] {
        state = .quitting
        return [.write(SMTPCommand.quit.wireText), arm(.quit)]
    }

    /// Closes: the transactions still pending are not sent.
    private mutating func close() -> [Action] {
        state = .closed
        running = nil
        armed = nil
        let unsent = pending.map { Action.finishTransaction(Self.unusable($0)) }
        pending = []
        return unsent + [.close]
    }

    // MARK: - Timeouts

    private mutating func arm(_ phase: SMTPClientPhase) -> Action {
        armed = phase
        return .armTimeout(phase, after: phase.timeout(in: configuration))
    }

    private mutating func disarm() -> [Action] {
        guard armed != nil else { return [] }
        armed = nil
        return [.cancelTimeout]
    }

    // MARK: - Outcomes

    /// The outcome of a transaction that was not sent: every recipient decided by `reply`.
    static func unsent(_ transaction: OutboundTransaction, reply: SMTPReply) -> TransactionOutcome {
        .assemble(addresses: transaction.recipients.map(\.address), mail: nil, rcpts: [], data: nil, final: nil,
                  interruption: reply, connectionReusable: false)
    }

    /// The outcome of a transaction requested on a connection that can no longer be used.
    static func unusable(_ transaction: OutboundTransaction) -> TransactionOutcome {
        unsent(transaction, reply: SMTPClientError.connectionLost("connection not usable").reply)
    }
}
