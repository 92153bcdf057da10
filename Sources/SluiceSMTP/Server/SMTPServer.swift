import NIOCore
import NIOPosix
import SluiceConfig
import SluiceBase
import Synchronization

/// The SMTP injection listener: accepts connections, runs one ``SMTPServerSession`` per client
/// under the ``SourcePolicy`` of the client's address, and hands every accepted message to a
/// ``MessageReceiver`` before answering the end of data.
public final class SMTPServer: Sendable {
    private let channel: any Channel
    /// The address the listener is bound to (with the real port when 0 was asked for).
    public let localAddress: SocketAddress

    private init(channel: any Channel) throws {
        guard let address = channel.localAddress else { throw SMTPServerError.notBound }
        self.channel = channel
        self.localAddress = address
    }

    /// The bound TCP port.
    public var port: Int { localAddress.port ?? 0 }

    /// Binds `host:port` and starts accepting connections.
    ///
    /// - Parameters:
    ///   - host: The address to listen on, e.g. `127.0.0.1`.
    ///   - port: The port; 0 picks a free one (see ``port``).
    ///   - configuration: Limits, timeouts, host name, AUTH.
    ///   - policies: The policy for each client address.
    ///   - receiver: Where accepted messages go.
    ///   - gate: The connection and message-memory limits shared with the node's other
    ///     listeners; nil gives this listener a gate of its own with default limits.
    ///   - tls: The STARTTLS set-up, or nil to not offer STARTTLS.
    ///   - implicitTLS: Every connection is TLS from its first byte (SMTPS, as on port 465): the
    ///     handshake with `tls` comes before the greeting, and STARTTLS is not offered.
    ///   - group: The event loops to run on.
    ///   - clock: The time source for Received/Date headers (the wall clock by default).
    /// - Throws: ``SMTPServerError/implicitTLSWithoutCertificate`` for `implicitTLS` without
    ///   `tls`; the bind error when the address cannot be bound.
    public static func start(host: String, port: Int, configuration: SMTPServerConfiguration,
                             policies: any SourcePolicyProvider, receiver: any MessageReceiver,
                             gate: InboundGate? = nil, tls: SMTPServerTLS? = nil, implicitTLS: Bool = false,
                             group: any EventLoopGroup, clock: (any Clock)? = nil) async throws -> SMTPServer {
        if implicitTLS && tls == nil { throw SMTPServerError.implicitTLSWithoutCertificate }
        let clock = clock ?? WallClock()
        let gate = gate ?? InboundGate(limits: InboundLimits(), clock: clock)
        let counter = SessionCounter()
        let startTLS = tls?.starter
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Out of descriptors (EMFILE/ENFILE), accepting pauses instead of spinning.
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler())
                }
            }
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelInitializer { channel in
                let number = counter.next()
                return channel.eventLoop.makeCompletedFuture {
                    // Implicit TLS: the TLS handler goes first; it holds back the greeting until
                    // the handshake is done, and a failed handshake reaches the SMTP handler as an
                    // error that closes the connection.
                    if implicitTLS, let startTLS { _ = startTLS(channel) }
                    let handler = SMTPServerHandler(
                        configuration: configuration, policies: policies, gate: gate, sessionNumber: number,
                        receiver: receiver, clock: clock, startTLS: implicitTLS ? nil : startTLS,
                        implicitTLS: implicitTLS)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        return try SMTPServer(channel: channel)
    }

    /// Stops accepting connections (sessions in progress continue until they end).
    public func close() async throws {
        try await channel.close()
    }
}

/// Why the server could not start.
public enum SMTPServerError: Error, Sendable {
    /// The listening socket has no local address.
    case notBound
    /// Implicit TLS was asked for without a certificate to present.
    case implicitTLSWithoutCertificate
}

/// Numbers the sessions, for unique ids in generated headers.
final class SessionCounter: Sendable {
    private let value = Mutex<UInt64>(0)
    func next() -> UInt64 { value.withLock { $0 += 1; return $0 } }
}
