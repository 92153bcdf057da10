import NIOCore
import NIOPosix
import SluiceConfig
import SluiceBase
import SluiceSandbox

/// A simulated provider on the network: an SMTP listener whose every reply comes from a
/// ``SandboxReceiver`` (and so from its profile, deterministically under its seed).
///
/// ```swift
/// let receiver = SandboxReceiver(profile: try ProfileLibrary().load("gmail"), seed: 1, startedAt: WallClock().now())
/// let server = try await SandboxServer.start(listen: ListenAddress(parsing: "127.0.0.1:2600"), receiver: receiver, group: group)
/// // … receiver.stats, server.closes …
/// try await server.close()
/// ```
///
/// The listen address must be loopback: a sandbox never accepts mail from the network.
public final class SandboxServer: Sendable {
    private let channel: any Channel
    private let counters: SandboxServerCounters
    /// The receiver answering every connection.
    public let receiver: SandboxReceiver
    /// The bound address (with the real port when 0 was asked for).
    public let localAddress: ListenAddress

    private init(channel: any Channel, receiver: SandboxReceiver, counters: SandboxServerCounters, localAddress: ListenAddress) {
        self.channel = channel
        self.receiver = receiver
        self.counters = counters
        self.localAddress = localAddress
    }

    /// The bound TCP port.
    public var port: Int { localAddress.port }

    /// Connections the server closed on its own account (line too long, errors, idle).
    public var closes: SandboxServerCloses { counters.snapshot }

    /// Binds `host:port` (a loopback address; port 0 picks a free one) and starts answering.
    ///
    /// - Throws: ``SandboxServerError/notLoopback(_:)`` for any other address, or the bind error.
    public static func start(host: IPAddress, port: Int, receiver: SandboxReceiver, limits: SandboxServerLimits = SandboxServerLimits(),
                             group: any EventLoopGroup, clock: any Clock = WallClock()) async throws -> SandboxServer {
        guard LoopbackGuard(mode: "sandbox").check(host).isAllowed else { throw SandboxServerError.notLoopback(host) }
        let counters = SandboxServerCounters()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = SandboxConnectionHandler(receiver: receiver, limits: limits, clock: clock, counters: counters)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel = try await bootstrap.bind(host: host.description, port: port).get()
        guard let bound = channel.localAddress?.port else {
            try? await channel.close()
            throw SandboxServerError.notBound
        }
        return SandboxServer(channel: channel, receiver: receiver, counters: counters,
                             localAddress: ListenAddress(address: host, port: bound))
    }

    /// ``start(host:port:receiver:limits:group:clock:)`` at `listen`.
    public static func start(listen: ListenAddress, receiver: SandboxReceiver, limits: SandboxServerLimits = SandboxServerLimits(),
                             group: any EventLoopGroup, clock: any Clock = WallClock()) async throws -> SandboxServer {
        try await start(host: listen.address, port: listen.port, receiver: receiver, limits: limits, group: group, clock: clock)
    }

    /// Stops accepting connections (connections in progress finish on their own).
    public func close() async throws {
        try await channel.close()
    }
}

/// Why a sandbox server could not start.
public enum SandboxServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The listen address is not loopback.
    case notLoopback(IPAddress)
    /// The listening socket has no local address.
    case notBound

    /// One line for stderr.
    public var description: String {
        switch self {
        case .notLoopback(let host):
            return "refused to listen on \(host): not a loopback address; a sandbox listens only on 127.0.0.0/8 and ::1"
        case .notBound: return "the listening socket has no local address"
        }
    }
}
