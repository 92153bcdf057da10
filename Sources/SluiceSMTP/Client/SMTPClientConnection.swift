import NIOCore
import NIOPosix
import SluiceConfig
import SluiceBase

/// One outbound SMTP connection to a peer: connect (bound to the vmta's source address), greeting,
/// EHLO (HELO fallback), STARTTLS as configured, then any number of transactions — pipelined when
/// the peer offers PIPELINING — each yielding a per-recipient outcome, and QUIT. The scheduler
/// decides how many transactions a connection carries (`max-msg-per-connection`); the connection
/// closes itself after ``SMTPClientConfiguration/idleTimeout`` without work.
public actor SMTPClientConnection {
    /// The phase named by a timeout waiting for the reply to the final dot.
    static let endOfDataPhase = "reply to end of data"
    /// The settings the connection was opened with.
    public nonisolated let configuration: SMTPClientConfiguration
    /// The peer's host (as given to ``connect(host:port:configuration:tls:group:)``).
    public nonisolated let host: String
    /// The peer's address and port as connected.
    public nonisolated let remoteAddress: SocketAddress?
    /// The local address and port the connection uses.
    public nonisolated let localAddress: SocketAddress?
    /// The peer's greeting.
    public let greeting: SMTPReply
    /// What the peer announced in its last EHLO reply.
    public private(set) var capabilities: ESMTPCapabilities
    /// True after a successful STARTTLS.
    public private(set) var tlsActive: Bool
    /// Transactions sent so far (whatever their outcome).
    public private(set) var transactionsSent = 0
    /// False once the connection has failed, been told 421, or been closed.
    public private(set) var isUsable = true

    /// The channel and its reply handler.
    struct Link: Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<SMTPClientReplyHandler>
    }

    private let link: Link
    /// The time source of the idle timer.
    private let clock: any Clock
    private var channel: any Channel { link.channel }
    private var needsReset = false
    private var idleGeneration = 0

    private init(link: Link, host: String, configuration: SMTPClientConfiguration, greeting: SMTPReply,
                 capabilities: ESMTPCapabilities, tlsActive: Bool, clock: any Clock) {
        self.link = link
        self.clock = clock
        self.host = host
        self.configuration = configuration
        self.remoteAddress = link.channel.remoteAddress
        self.localAddress = link.channel.localAddress
        self.greeting = greeting
        self.capabilities = capabilities
        self.tlsActive = tlsActive
    }

    // MARK: - Opening

    /// Connects to `host:port` and runs the greeting, EHLO and (as configured) STARTTLS.
    ///
    /// - Parameters:
    ///   - host: An IP address (from MX resolution or an `smtp-hosts` literal) or a host name.
    ///   - port: Usually 25.
    ///   - configuration: HELO name, source address, TLS policy, timeouts.
    ///   - tls: How to start TLS; nil means STARTTLS is never attempted (and `.required` fails).
    ///   - group: The event loops to run on.
    ///   - clock: The time source of the idle timer (``SMTPClientConfiguration/idleTimeout``).
    /// - Throws: ``SMTPClientError`` when no usable session could be opened.
    public static func connect(host: String, port: Int, configuration: SMTPClientConfiguration, tls: SMTPClientTLS? = nil,
                               group: any EventLoopGroup,
                               clock: any Clock = WallClock()) async throws(SMTPClientError) -> SMTPClientConnection {
        let link = try await openChannel(host: host, port: port, configuration: configuration, group: group)
        let channel = link.channel
        do throws(SMTPClientError) {
            let greeting = try await reply(on: link, phase: "greeting", timeout: configuration.greetingTimeout)
            guard greeting.code == 220 else {
                try? await write("QUIT\r\n", on: link)
                throw SMTPClientError.greetingRefused(greeting)
            }
            var capabilities = try await hello(on: link, configuration: configuration)
            var tlsActive = false
            if configuration.tlsPolicy != .never, capabilities.startTLS, let tls {
                try await write(SMTPCommand.startTLS.wireText, on: link)
                let ready = try await reply(on: link, phase: "STARTTLS reply", timeout: configuration.commandTimeout)
                if ready.code == 220 {
                    do {
                        try await tls.starter(link.channel, host).get()
                    } catch {
                        throw SMTPClientError.tlsFailed("\(error)")
                    }
                    tlsActive = true
                    capabilities = try await hello(on: link, configuration: configuration)
                } else if configuration.tlsPolicy == .required {
                    throw SMTPClientError.tlsFailed(ready.dsnDiag)
                }
            }
            if configuration.tlsPolicy == .required && !tlsActive {
                try? await write("QUIT\r\n", on: link)
                throw SMTPClientError.tlsUnavailable
            }
            let connection = SMTPClientConnection(link: link, host: host, configuration: configuration, greeting: greeting,
                                                  capabilities: capabilities, tlsActive: tlsActive, clock: clock)
            await connection.armIdleTimer()
            return connection
        } catch {
            try? await channel.close()
            throw error
        }
    }

    private static func openChannel(host: String, port: Int, configuration: SMTPClientConfiguration,
                                    group: any EventLoopGroup) async throws(SMTPClientError) -> Link {
        let maximumLineLength = configuration.maximumReplyLineLength
        var bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(configuration.connectTimeout.milliseconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SMTPClientReplyHandler(maximumLineLength: maximumLineLength))
                }
            }
        if let source = configuration.sourceAddress {
            do {
                bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0))
            } catch {
                throw .connectFailed("bad source address \(source): \(error)")
            }
        }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch let error as ChannelError where error == .connectTimeout(.milliseconds(configuration.connectTimeout.milliseconds)) {
            throw .timedOut(phase: "connection to \(host):\(port)")
        } catch {
            throw .connectFailed("\(host):\(port): \(error)")
        }
        do {
            // Kept for the connection's life, so that a reply read just before the peer closed
            // (a 421) is still there after the pipeline has been torn down.
            let handler = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: SMTPClientReplyHandler.self),
                             eventLoop: channel.eventLoop)
            }.get()
            return Link(channel: channel, handler: handler)
        } catch {
            channel.close(promise: nil)
            throw .connectionLost("closed while connecting")
        }
    }

    /// EHLO, or HELO when EHLO is refused with 5xx.
    private static func hello(on link: Link, configuration: SMTPClientConfiguration) async throws(SMTPClientError) -> ESMTPCapabilities {
        try await write(SMTPCommand.ehlo(configuration.heloName).wireText, on: link)
        let ehlo = try await reply(on: link, phase: "EHLO reply", timeout: configuration.commandTimeout)
        if ehlo.code == 250 { return ESMTPCapabilities(ehloReply: ehlo) }
        guard ehlo.severity == SMTPReply.Severity.permanentFailure else { throw .refused(ehlo) }
        try await write(SMTPCommand.helo(configuration.heloName).wireText, on: link)
        let helo = try await reply(on: link, phase: "HELO reply", timeout: configuration.commandTimeout)
        guard helo.code == 250 else { throw .refused(helo) }
        return .none
    }

    // MARK: - Transactions

    /// Sends one message and reports each recipient's outcome. Never throws: failures become
    /// per-recipient replies (a connection lost mid-DATA defers every accepted recipient with a
    /// local `451 4.4.2` naming the cause).
    public func send(_ transaction: OutboundTransaction) async -> TransactionOutcome {
        let addresses = transaction.recipients.map(\.address)
        guard isUsable else {
            return .assemble(addresses: addresses, mail: nil, rcpts: [], data: nil, final: nil,
                             interruption: SMTPClientError.connectionLost("connection not usable").reply, connectionReusable: false)
        }
        idleGeneration += 1
        transactionsSent += 1
        if let limit = capabilities.size, limit > 0, transaction.content.count > limit {
            let reply = SMTPReply(552, "5.3.4", "Message size \(transaction.content.count) exceeds the limit \(limit) of \(host)")
            armIdleTimer()
            return .assemble(addresses: addresses, mail: reply, rcpts: [], data: nil, final: nil, interruption: reply, connectionReusable: true)
        }
        var mail: SMTPReply?
        var rcpts: [SMTPReply] = []
        var data: SMTPReply?
        var final: SMTPReply?
        do throws(SMTPClientError) {
            if needsReset {
                try await write(SMTPCommand.rset.wireText)
                let reset = try await reply(phase: "RSET reply", timeout: configuration.commandTimeout)
                guard reset.code == 250 else { throw .refused(reset) }
                needsReset = false
            }
            let commands = envelopeCommands(for: transaction)
            if capabilities.pipelining {
                try await write(commands.map(\.wireText).joined() + SMTPCommand.data.wireText)
                mail = try await reply(phase: "MAIL FROM reply", timeout: configuration.commandTimeout)
                for _ in transaction.recipients {
                    rcpts.append(try await reply(phase: "RCPT TO reply", timeout: configuration.commandTimeout))
                }
                data = try await reply(phase: "DATA reply", timeout: configuration.commandTimeout)
            } else {
                try await write(commands[0].wireText)
                mail = try await reply(phase: "MAIL FROM reply", timeout: configuration.commandTimeout)
                if mail?.severity == .positiveCompletion {
                    for command in commands.dropFirst() {
                        try await write(command.wireText)
                        rcpts.append(try await reply(phase: "RCPT TO reply", timeout: configuration.commandTimeout))
                        if rcpts.last?.code == 421 { break }
                    }
                    if rcpts.contains(where: { $0.severity == .positiveCompletion }) {
                        try await write(SMTPCommand.data.wireText)
                        data = try await reply(phase: "DATA reply", timeout: configuration.commandTimeout)
                    }
                }
            }
            let accepted = rcpts.contains { $0.severity == .positiveCompletion }
            if data?.code == 354 {
                if accepted {
                    try await write(DotStuffing.stuff(transaction.content))
                    final = try await reply(phase: Self.endOfDataPhase, timeout: configuration.dataTimeout)
                } else {
                    // RFC 2920 §3.1: DATA was accepted although every RCPT failed; send no content.
                    try await write(".\r\n")
                    _ = try await reply(phase: Self.endOfDataPhase, timeout: configuration.dataTimeout)
                }
            }
            needsReset = mail?.severity == .positiveCompletion && final == nil
            if [mail, data, final].contains(where: { $0?.code == 421 }) || rcpts.contains(where: { $0.code == 421 }) {
                abandon()
            }
        } catch {
            abandon()
            if configuration.assumeDeliveryUponDataTerminationTimeout, data?.code == 354, final == nil,
               case SMTPClientError.timedOut(phase: Self.endOfDataPhase)? = error as? SMTPClientError {
                final = SMTPReply(250, "2.0.0", "assumed delivered: \(SMTPClientError.timedOut(phase: Self.endOfDataPhase).diagnostic) "
                                              + "(assume-delivery-upon-data-termination-timeout)")
            }
            return .assemble(addresses: addresses, mail: mail, rcpts: rcpts, data: data, final: final,
                             interruption: error.reply, connectionReusable: false)
        }
        armIdleTimer()
        let interruption = SMTPReply(451, "4.4.2", "transaction with \(host) ended without a final reply")
        return .assemble(addresses: addresses, mail: mail, rcpts: rcpts, data: data, final: final,
                         interruption: interruption, connectionReusable: isUsable)
    }

    /// MAIL FROM and the RCPT TOs, with SIZE/BODY/DSN parameters as far as the peer supports them.
    private func envelopeCommands(for transaction: OutboundTransaction) -> [SMTPCommand] {
        var parameters = MailParameters()
        if capabilities.size != nil { parameters.size = transaction.content.count }
        if capabilities.eightBitMIME && !configuration.ignore8BitMIME && transaction.content.contains(where: { $0 >= 0x80 }) {
            parameters.body = .eightBitMIME
        }
        if capabilities.dsn {
            parameters.ret = transaction.mailParameters.ret
            parameters.envelopeID = transaction.mailParameters.envelopeID
        }
        var commands: [SMTPCommand] = [.mail(from: transaction.sender, parameters: parameters)]
        for recipient in transaction.recipients {
            commands.append(.rcpt(to: recipient.address, parameters: capabilities.dsn ? recipient.parameters : RecipientParameters()))
        }
        return commands
    }

    // MARK: - Closing

    /// Sends QUIT (waiting briefly for the reply) and closes the connection.
    public func quit() async {
        guard isUsable else { return }
        isUsable = false
        idleGeneration += 1
        do {
            try await write(SMTPCommand.quit.wireText)
            _ = try await reply(phase: "QUIT reply", timeout: configuration.commandTimeout)
        } catch {
            // The peer may close first; the connection is finished either way.
        }
        try? await channel.close()
    }

    /// Closes without QUIT (after 421, a timeout or a lost connection).
    private func abandon() {
        isUsable = false
        idleGeneration += 1
        channel.close(promise: nil)
    }

    private func armIdleTimer() {
        guard isUsable else { return }
        idleGeneration += 1
        let generation = idleGeneration
        let delay = configuration.idleTimeout
        let clock = self.clock
        Task { [weak self] in
            try? await clock.sleep(for: delay)
            await self?.idleExpired(generation: generation)
        }
    }

    private func idleExpired(generation: Int) async {
        guard generation == idleGeneration, isUsable else { return }
        await quit()
    }

    // MARK: - I/O

    private func write(_ text: String) async throws(SMTPClientError) {
        try await Self.write(text, on: link)
    }

    private func write(_ bytes: [UInt8]) async throws(SMTPClientError) {
        do {
            try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
        } catch {
            throw .connectionLost("write failed: \(error)")
        }
    }

    private func reply(phase: String, timeout: TimeSpan) async throws(SMTPClientError) -> SMTPReply {
        try await Self.reply(on: link, phase: phase, timeout: timeout)
    }

    private static func write(_ text: String, on link: Link) async throws(SMTPClientError) {
        do {
            try await link.channel.writeAndFlush(ByteBuffer(string: text))
        } catch {
            throw .connectionLost("write failed: \(error)")
        }
    }

    private static func reply(on link: Link, phase: String, timeout: TimeSpan) async throws(SMTPClientError) -> SMTPReply {
        let amount = TimeAmount.milliseconds(timeout.milliseconds)
        let loop = link.channel.eventLoop
        let handler = link.handler
        let future = loop.flatSubmit { handler.value.nextReply(phase: phase, timeout: amount, on: loop) }
        do {
            return try await future.get()
        } catch let error as SMTPClientError {
            throw error
        } catch {
            throw .connectionLost("\(error)")
        }
    }
}
