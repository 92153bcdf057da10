import NIOCore
import NIOPosix

/// A loopback listener that accepts connections and never says anything.
struct NIOSilentServer {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    static func start() async throws -> NIOSilentServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        return NIOSilentServer(channel: channel)
    }

    func close() async throws { try await channel.close() }
}
