import NIOCore
import SluiceConfig
import SluiceCore
import SluiceSandbox
import SluiceSandboxServer
import SluiceSMTP

/// One delivery connection into a ``SandboxReceiver`` in this process: the delivery client's own
/// ``SMTPClientStateMachine`` talking to the receiver's ``SandboxSession`` without a socket. The
/// machine's command lines are parsed as the sandbox's server parses them, its content is counted
/// as the server counts it, and each command is answered at the clock's instant once the replies
/// before it have been given, after the reply's delay (the profile's slow replies) slept on the
/// clock. A delay longer than the phase's timeout fires the timeout instead, as on the network.
struct SandboxConnection: Sendable {
    /// How an opening ended.
    enum Opening: Sendable {
        /// Greeted and EHLO accepted: ready for transactions.
        case open(SandboxConnection)
        /// The session could not be opened (a refused greeting or EHLO, TLS required).
        case failed(SMTPClientError)
    }

    /// What the receiver owes the client, in order: the greeting, then a reply per command.
    private enum Owed: Sendable {
        case greeting(SandboxAction)
        case command(SandboxCommand)
    }

    let receiver: SandboxReceiver
    let clock: any Clock
    private var session: SandboxSession
    private var machine: SMTPClientStateMachine
    private var owed: [Owed] = []
    /// The timeout the machine has armed: the phase and how long.
    private var armed: (phase: SMTPClientPhase, after: TimeSpan)?

    /// True once the session has ended, on either side.
    var isClosed: Bool { machine.isClosed || session.isClosed }

    /// Connects to `receiver` from `source` and opens the session as `client` says (the sandbox
    /// offers no TLS, so a required STARTTLS fails the opening).
    static func open(to receiver: SandboxReceiver, host: String, from source: IPAddress, client: SMTPClientConfiguration,
                     clock: any Clock) async -> Opening {
        let (session, greeting) = receiver.connect(from: source, at: clock.now())
        var connection = SandboxConnection(receiver: receiver, clock: clock, session: session,
                                           machine: SMTPClientStateMachine(configuration: client, host: host, tlsAvailable: false))
        connection.owed = [.greeting(greeting)]
        for action in await connection.drive(connection.machine.channelActive()) {
            switch action {
            case .connectionReady: return .open(connection)
            case .connectionFailed(let error): return .failed(error)
            default: continue
            }
        }
        return .failed(.connectionLost("\(host) ended the session while it opened"))
    }

    private init(receiver: SandboxReceiver, clock: any Clock, session: SandboxSession, machine: SMTPClientStateMachine) {
        self.receiver = receiver
        self.clock = clock
        self.session = session
        self.machine = machine
    }

    /// Runs one transaction to its outcome.
    mutating func send(_ transaction: OutboundTransaction) async -> TransactionOutcome {
        for case .finishTransaction(let outcome) in await drive(machine.transactionRequested(transaction)) { return outcome }
        return .assemble(addresses: transaction.recipients.map(\.address), mail: nil, rcpts: [], data: nil, final: nil,
                         interruption: SMTPClientError.connectionLost("the session ended without an outcome").reply,
                         connectionReusable: false)
    }

    /// Says QUIT (nothing when the session has ended).
    mutating func quit() async {
        _ = await drive(machine.quitRequested())
    }

    /// Performs the machine's actions, answering what it waits for, until it waits on nothing the
    /// receiver owes; returns the actions that report to the caller (ready, failed, outcomes).
    private mutating func drive(_ initial: [SMTPClientStateMachine.Action]) async -> [SMTPClientStateMachine.Action] {
        var actions = initial[...]
        var reports: [SMTPClientStateMachine.Action] = []
        while true {
            while let action = actions.popFirst() {
                switch action {
                case .write(let text):
                    for line in text.split(separator: "\r\n") { owed.append(.command(SandboxCommand(line: String(line)))) }
                case .writeContent(let bytes):
                    owed.append(.command(.endOfData(size: Self.contentSize(bytes))))
                case .startTLS:
                    actions += machine.tlsFailed("the sandbox offers no TLS")
                case .armTimeout(let phase, let after):
                    armed = (phase, after)
                case .cancelTimeout:
                    armed = nil
                case .connectionReady, .connectionFailed, .finishTransaction:
                    reports.append(action)
                case .close:
                    owed.removeAll()
                    armed = nil
                }
            }
            guard let waiting = armed, !owed.isEmpty else { return reports }
            actions = await answer(owed.removeFirst(), within: waiting)[...]
        }
    }

    /// The receiver's answer to `item`, handed to the machine: its reply after the reply's delay,
    /// the timeout when the delay is longer, a lost connection when the receiver had closed it.
    private mutating func answer(_ item: Owed, within waiting: (phase: SMTPClientPhase, after: TimeSpan))
        async -> [SMTPClientStateMachine.Action] {
        let action: SandboxAction
        switch item {
        case .greeting(let greeting):
            action = greeting
        case .command(let command):
            guard !session.isClosed else { return machine.failed(.connectionLost("closed by the receiver")) }
            action = receiver.handle(command, in: &session, at: clock.now())
        }
        guard action.delay <= waiting.after else {
            await wait(waiting.after)
            return machine.timeoutFired(waiting.phase)
        }
        await wait(action.delay)
        return machine.replyReceived(action.reply)
    }

    /// The size of dot-stuffed content with its end-of-data mark, as the sandbox's server counts it.
    private static func contentSize(_ bytes: [UInt8]) -> Int {
        var receiver = DataReceiver(maximumSize: .max, keepsContent: false)
        var buffer = ByteBuffer(bytes: bytes)
        _ = receiver.consume(&buffer)
        return receiver.size
    }

    private func wait(_ delay: TimeSpan) async {
        guard delay.milliseconds > 0 else { return }
        // Only a cancelled task ends the sleep early; the reply is then simply given sooner.
        try? await clock.sleep(for: delay)
    }
}
