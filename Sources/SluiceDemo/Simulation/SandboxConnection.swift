import SluiceConfig
import SluiceCore
import SluiceSandbox
import SluiceSMTP

/// One delivery connection into a ``SandboxReceiver`` in this process: the receiver's
/// ``SandboxSession`` for it, driven command by command as the SMTP client drives a session on
/// the network (``SMTPClientConnection``, pipelining since the sandbox offers it). Every command
/// is answered at the clock's instant, and the reply's delay (the profile's slow replies) is slept
/// on the clock before the next command, as the receiver's server waits it before answering.
struct SandboxConnection: Sendable {
    /// How an opening ended.
    enum Opening: Sendable {
        /// Greeted and EHLO accepted: ready for transactions.
        case open(SandboxConnection)
        /// The greeting was not 220 (a greeting refusal, a rate limit, an incident).
        case greetingRefused(SMTPReply)
        /// EHLO was refused.
        case refused(SMTPReply)
        /// TLS is required and the sandbox offers no STARTTLS.
        case tlsUnavailable
    }

    let receiver: SandboxReceiver
    let clock: any Clock
    /// For diagnostics: `[127.0.0.1]:2601`.
    let host: String
    private var session: SandboxSession
    /// The receiver holds an open transaction (MAIL accepted, no final reply): RSET before the
    /// next one.
    private var needsReset = false

    private init(receiver: SandboxReceiver, clock: any Clock, host: String, session: SandboxSession) {
        self.receiver = receiver
        self.clock = clock
        self.host = host
        self.session = session
    }

    /// True once the receiver has closed the connection.
    var isClosed: Bool { session.isClosed }

    /// Connects to `receiver` from `source`: the greeting, then EHLO as the client configuration
    /// says; a refused opening says QUIT when the receiver is still listening.
    static func open(to receiver: SandboxReceiver, host: String, from source: IPAddress, client: SMTPClientConfiguration,
                     clock: any Clock) async -> Opening {
        let (session, greeting) = receiver.connect(from: source, at: clock.now())
        var connection = SandboxConnection(receiver: receiver, clock: clock, host: host, session: session)
        await connection.wait(greeting.delay)
        guard greeting.reply.code == 220 else {
            await connection.quit()
            return .greetingRefused(greeting.reply)
        }
        let hello = await connection.exchange(.hello(client.heloName, extended: true))
        guard hello?.code == 250 else { return .refused(hello ?? connection.closedReply) }
        guard client.tlsPolicy != .required else {
            await connection.quit()
            return .tlsUnavailable
        }
        return .open(connection)
    }

    /// Sends one transaction as a pipelining client does: RSET first when the one before left the
    /// receiver's transaction open, then MAIL, every RCPT and DATA in order (a RCPT after a refused
    /// MAIL gets the receiver's answer to that), the content after a 354; a reply that closes the
    /// connection (421) ends the transaction there, the recipients without a reply getting
    /// `451 4.4.2`.
    mutating func send(_ transaction: OutboundTransaction) async -> TransactionOutcome {
        let addresses = transaction.recipients.map(\.address)
        if needsReset {
            let reset = await exchange(.reset)
            guard reset?.code == 250 else {
                return .assemble(addresses: addresses, mail: nil, rcpts: [], data: nil, final: nil,
                                 interruption: reset ?? closedReply, connectionReusable: false)
            }
            needsReset = false
        }
        let mail = await exchange(.mail(from: transaction.sender))
        var rcpts: [SMTPReply] = []
        for address in addresses {
            guard let reply = await exchange(.recipient(address)) else { break }
            rcpts.append(reply)
        }
        let data = await exchange(.data)
        var final: SMTPReply?
        if data?.code == 354 {
            let accepted = rcpts.contains { $0.severity == .positiveCompletion }
            let reply = await exchange(.endOfData(size: accepted ? transaction.content.count : 0))
            if accepted { final = reply }
        }
        needsReset = mail?.severity == .positiveCompletion && final == nil
        let interruption = SMTPReply(451, "4.4.2", "transaction with \(host) ended without a final reply")
        return .assemble(addresses: addresses, mail: mail, rcpts: rcpts, data: data, final: final, interruption: interruption,
                         connectionReusable: !isClosed)
    }

    /// Says QUIT (nothing when the receiver has closed the connection).
    mutating func quit() async {
        _ = await exchange(.quit)
    }

    /// Sends `command` and returns the reply once its delay has passed on the clock; nil when the
    /// receiver had closed the connection before it.
    private mutating func exchange(_ command: SandboxCommand) async -> SMTPReply? {
        guard !session.isClosed else { return nil }
        let action = receiver.handle(command, in: &session, at: clock.now())
        await wait(action.delay)
        return action.reply
    }

    /// What stands for the replies of a connection the receiver has closed.
    private var closedReply: SMTPReply { SMTPClientError.connectionLost("closed by \(host)").reply }

    private func wait(_ delay: TimeSpan) async {
        guard delay.milliseconds > 0 else { return }
        // Only a cancelled task ends the sleep early; the reply is then simply sent sooner.
        try? await clock.sleep(for: delay)
    }
}
