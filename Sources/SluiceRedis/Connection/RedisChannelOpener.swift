import NIOCore
import NIOPosix

/// Opens a TCP channel to Redis with a ``RedisChannelHandler`` installed.
enum RedisChannelOpener {
    static func open(host: String, port: Int, connectTimeout: Duration, group: any EventLoopGroup,
                     handler makeHandler: @escaping @Sendable () -> RedisChannelHandler) async throws(RedisError) -> any Channel {
        let (seconds, attoseconds) = connectTimeout.components
        let timeout = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(makeHandler())
                }
            }
        do {
            return try await bootstrap.connect(host: host, port: port).get()
        } catch {
            throw .connectFailed("\(host):\(port): \(error)")
        }
    }
}
