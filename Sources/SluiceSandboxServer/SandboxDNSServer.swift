import NIOCore
import NIOPosix
import SluiceConfig
import SluiceSandbox
import Synchronization

/// A DNS server on loopback (UDP) answering A queries from a table changed while it runs: the
/// demo's DNS blocklist, which lists a vmta's address part-way through a run. Refuses any
/// address outside 127.0.0.0/8.
///
/// ```swift
/// let dns = try await SandboxDNSServer.start(group: MultiThreadedEventLoopGroup.singleton)
/// dns.list("12.0.0.127.dnsbl.sandbox.test", answer: "127.0.0.2")   // dns-server 127.0.0.1:\(dns.port)
/// ```
public final class SandboxDNSServer: Sendable {
    private final class Table: Sendable {
        let names = Mutex<[String: [String]]>([:])
    }

    private let channel: any Channel
    private let table: Table
    /// The UDP port on 127.0.0.1.
    public let port: Int

    private init(channel: any Channel, table: Table, port: Int) {
        self.channel = channel
        self.table = table
        self.port = port
    }

    /// Binds to `host` (loopback only) on `port` (0: a free one) and starts answering.
    public static func start(host: IPAddress = .v4(0x7F00_0001), port: Int = 0,
                             group: any EventLoopGroup) async throws -> SandboxDNSServer {
        guard LoopbackGuard(mode: "sandbox").check(host).isAllowed else { throw SandboxServerError.notLoopback(host) }
        let table = Table()
        let channel = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Handler(table: table)) }
            }
            .bind(host: host.description, port: port).get()
        return SandboxDNSServer(channel: channel, table: table, port: channel.localAddress?.port ?? port)
    }

    /// Answers `name` (lowercased, no trailing dot) with the A record `answer` from now on.
    public func list(_ name: String, answer: String) {
        table.names.withLock { $0[name.lowercased()] = [answer] }
    }

    /// Stops answering.
    public func close() async throws {
        try await channel.close()
    }

    private final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        let table: Table

        init(table: Table) { self.table = table }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            let query = Array(envelope.data.readableBytesView)
            guard let answer = SandboxDNSAnswer.response(to: query, table: table.names.withLock { $0 }) else { return }
            let buffer = context.channel.allocator.buffer(bytes: answer)
            context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)),
                                  promise: nil)
        }
    }
}
