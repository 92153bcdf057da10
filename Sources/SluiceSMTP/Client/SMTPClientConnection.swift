import NIOCore
import NIOPosix
import SluiceConfig
import SluiceBase

/// One outbound SMTP connection to a peer: connect (bound to the vmta's source address), greeting,
/// EHLO (HELO fallback), STARTTLS as configured, then any number of transactions — pipelined when
/// the peer offers PIPELINING — each yielding a per-recipient outcome, and QUIT. The scheduler
/// decides how many transactions a connection carries (`max-msg-per-connection`); the connection
/// closes itself after ``SMTPClientConfiguration/idleTimeout`` without work.
///
/// The protocol runs in ``SMTPClientStateMachine`` on the channel's event loop
/// (``SMTPClientHandler``); this actor, which runs on that loop too, opens the channel, hands it
/// requests and waits for their results, and keeps the idle timer on the injected clock.
public actor SMTPClientConnection {
    /// The settings the connection was opened with.
    public nonisolated let configuration: SMTPClientConfiguration
    /// The peer's host (as given to ``connect(host:port:configuration:tls:group:clock:)``).
    public nonisolated let host: String
    /// The peer's address and port as connected.
    public nonisolated let remoteAddress: SocketAddress?
    /// The local address and port the connection uses.
    public nonisolated let localAddress: SocketAddress?
    /// The peer's greeting.
    public let greeting: SMTPReply
    /// What the peer announced in its last EHLO reply.
    public let capabilities: ESMTPCapabilities
    /// True after a successful STARTTLS.
    public let tlsActive: Bool
    /// Why this session is in plain text although the peer offered STARTTLS: the TLS handshake
    /// of the first connection failed and, TLS being opportunistic, the client connected again
    /// without it (``connect(host:port:configuration:tls:group:clock:)``). Nil otherwise.
    public nonisolated let tlsFallback: String?
    /// Transactions sent so far (whatever their outcome).
    public private(set) var transactionsSent = 0
    /// False once the connection has failed, been told 421, or been closed.
    public private(set) var isUsable = true

    private let channel: any Channel
    private let handler: NIOLoopBound<SMTPClientHandler>
    /// The time source of the idle timer.
    private let clock: any Clock
    /// Sleeps until ``idleDeadline``, then quits unless work moved the deadline meanwhile (one
    /// task per idle period, not one per transaction).
    private var idleTimer: Task<Void, Never>?
    /// When the connection is idle for ``SMTPClientConfiguration/idleTimeout``: moved by every
    /// transaction; nil while a transaction runs.
    private var idleDeadline: Instant?

    /// The channel's event loop: the actor's code runs on the thread its transactions do.
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        channel.eventLoop.executor.asUnownedSerialExecutor()
    }

    /// The event loop the connection's channel runs on, as a task executor: a task preferring it
    /// reaches the connection without a thread hop.
    public nonisolated var taskExecutor: EventLoopTaskExecutor { EventLoopTaskExecutor(channel.eventLoop) }

    private init(channel: any Channel, handler: NIOLoopBound<SMTPClientHandler>, host: String,
                 configuration: SMTPClientConfiguration, session: SMTPClientStateMachine.Session, tlsFallback: String?,
                 clock: any Clock) {
        self.channel = channel
        self.handler = handler
        self.clock = clock
        self.host = host
        self.configuration = configuration
        self.remoteAddress = channel.remoteAddress
        self.localAddress = channel.localAddress
        self.greeting = session.greeting
        self.capabilities = session.capabilities
        self.tlsActive = session.tlsActive
        self.tlsFallback = tlsFallback
    }

    deinit {
        idleTimer?.cancel()
    }

    // MARK: - Opening

    /// Connects to `host:port` and runs the greeting, EHLO and (as configured) STARTTLS.
    ///
    /// With opportunistic TLS (`use-starttls yes` without `require-starttls`), a peer whose TLS
    /// handshake fails (a host that speaks only TLS 1.0 under the system's TLS 1.2 floor, a broken
    /// TLS stack) is connected to again, once, without STARTTLS, as Postfix does at
    /// `smtp_tls_security_level = may`: the mail goes in plain text, as it would to a peer that
    /// offers no STARTTLS, instead of being deferred at every retry until it expires.
    /// ``tlsFallback`` says why.
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
        do {
            return try await open(host: host, port: port, configuration: configuration, tls: tls, tlsFallback: nil,
                                  group: group, clock: clock)
        } catch .tlsFailed(let why) where tls != nil && configuration.tlsPolicy == .opportunistic {
            return try await open(host: host, port: port, configuration: configuration, tls: nil,
                                  tlsFallback: "STARTTLS failed (\(why)); delivered without TLS", group: group, clock: clock)
        }
    }

    /// One connection attempt: the channel, the greeting, EHLO and (with `tls`) STARTTLS.
    private static func open(host: String, port: Int, configuration: SMTPClientConfiguration, tls: SMTPClientTLS?,
                             tlsFallback: String?, group: any EventLoopGroup,
                             clock: any Clock) async throws(SMTPClientError) -> SMTPClientConnection {
        let loop = group.next()
        let opening = loop.makePromise(of: SMTPClientStateMachine.Session.self)
        let installed = loop.makePromise(of: NIOLoopBound<SMTPClientHandler>.self)
        let channel: any Channel
        do {
            channel = try await openChannel(host: host, port: port, configuration: configuration, tls: tls, loop: loop,
                                            opening: opening, installed: installed)
        } catch {
            opening.fail(error)
            installed.fail(error)
            throw error
        }
        do {
            let handler = try await installed.futureResult.get()
            let session = try await opening.futureResult.get()
            let connection = SMTPClientConnection(channel: channel, handler: handler, host: host, configuration: configuration,
                                                  session: session, tlsFallback: tlsFallback, clock: clock)
            await connection.armIdleTimer()
            return connection
        } catch {
            try? await channel.close()
            throw error as? SMTPClientError ?? .connectionLost("\(error)")
        }
    }

    /// Connects on `loop` with an ``SMTPClientHandler`` in the pipeline (passed out in `installed`).
    private static func openChannel(host: String, port: Int, configuration: SMTPClientConfiguration, tls: SMTPClientTLS?,
                                    loop: any EventLoop, opening: EventLoopPromise<SMTPClientStateMachine.Session>,
                                    installed: EventLoopPromise<NIOLoopBound<SMTPClientHandler>>)
        async throws(SMTPClientError) -> any Channel {
        let timeout = TimeAmount.milliseconds(configuration.connectTimeout.milliseconds)
        var bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = SMTPClientHandler(configuration: configuration, host: host, tls: tls, opening: opening)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    installed.succeed(NIOLoopBound(handler, eventLoop: channel.eventLoop))
                }
            }
        if let source = configuration.sourceAddress {
            do {
                bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0))
            } catch {
                throw .connectFailed("bad source address \(source): \(error)")
            }
        }
        do {
            return try await bootstrap.connect(host: host, port: port).get()
        } catch let error as ChannelError where error == .connectTimeout(timeout) {
            throw .timedOut(phase: "connection to \(host):\(port)")
        } catch {
            throw .connectFailed("\(host):\(port): \(error)")
        }
    }

    // MARK: - Transactions

    /// Sends one message and reports each recipient's outcome. Never throws: failures become
    /// per-recipient replies (a connection lost mid-DATA defers every accepted recipient with a
    /// local `451 4.4.2` naming the cause).
    public func send(_ transaction: OutboundTransaction) async -> TransactionOutcome {
        guard isUsable else { return SMTPClientStateMachine.unusable(transaction) }
        idleDeadline = nil
        transactionsSent += 1
        // The actor runs on the channel's loop: the handler is called directly.
        let promise = channel.eventLoop.makePromise(of: TransactionOutcome.self)
        handler.value.send(transaction, promise: promise)
        let outcome: TransactionOutcome
        do {
            outcome = try await promise.futureResult.get()
        } catch {
            // The event loop is gone.
            outcome = SMTPClientStateMachine.unsent(transaction, reply: SMTPClientError.connectionLost("\(error)").reply)
        }
        if !outcome.connectionReusable { isUsable = false }
        armIdleTimer()
        return outcome
    }

    // MARK: - Closing

    /// Sends QUIT (after the transaction in progress, if any; waiting briefly for the reply) and
    /// closes the connection.
    public func quit() async {
        guard isUsable else { return }
        isUsable = false
        idleDeadline = nil
        idleTimer?.cancel()
        idleTimer = nil
        handler.value.quit()
        try? await channel.closeFuture.get()
    }

    /// Starts the idle period: the timeout counts from now.
    private func armIdleTimer() {
        guard isUsable else { return }
        let deadline = clock.now() + configuration.idleTimeout
        idleDeadline = deadline
        guard idleTimer == nil else { return }  // The running timer sleeps again until the new deadline.
        let clock = self.clock
        idleTimer = Task { [weak self] in
            var due = deadline
            while (try? await clock.sleep(until: due)) != nil {
                guard let self, let next = await self.idleCheck() else { return }
                due = next
            }
        }
    }

    /// At the timer's wake-up: quits when the idle deadline has passed and returns nil; otherwise
    /// returns when to look again (the deadline moved, or a transaction is running).
    private func idleCheck() async -> Instant? {
        let now = clock.now()
        guard isUsable else { return nil }
        guard let idleDeadline else { return now + configuration.idleTimeout }
        guard now >= idleDeadline else { return idleDeadline }
        idleTimer = nil
        await quit()
        return nil
    }
}
