#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NIOCore
import NIOPosix
import SluiceControlProtocol
import SluiceCore

/// The control socket: a Unix-domain socket (mode 0600) speaking newline-delimited JSON.
///
/// Only peers running as the daemon's own uid or as root are served; anyone else gets one error
/// line and is disconnected (root ignores the file mode, so the uid check is what keeps other
/// users out when the mode is widened).
public final class ControlSocketServer: Sendable {
    /// The socket's path.
    public let path: String
    private let channel: any Channel

    private init(path: String, channel: any Channel) {
        self.path = path
        self.channel = channel
    }

    /// Binds the socket at `path` (replacing a stale socket file), sets its mode to 0600 and
    /// starts serving `service`.
    ///
    /// - Parameters:
    ///   - outboxCapacity: frames queued per subscriber before frames are dropped.
    ///   - allowedUIDs: the uids served besides root; the daemon's effective uid by default.
    /// - Throws: ``ControlError`` `internal` naming the path when binding fails.
    public static func start(path: String, service: ControlService, outboxCapacity: Int = 256,
                             allowedUIDs: Set<UInt32> = [geteuid()],
                             group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws(ControlError) -> ControlSocketServer {
        guard path.utf8.count < 108 else {
            throw ControlError(.usage, "control socket path is too long (\(path.utf8.count) bytes, at most 107): \(path)")
        }
        if isListening(path) {
            throw ControlError(.refused, "another daemon is already listening on control socket \(path)")
        }
        let allowed = allowedUIDs.union([0])
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            // Out of descriptors (EMFILE/ENFILE), accepting pauses instead of spinning.
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler())
                }
            }
            .childChannelInitializer { channel in
                PeerCredentials.of(channel).flatMap { peer in
                    channel.eventLoop.makeCompletedFuture {
                        guard allowed.contains(peer.uid) else {
                            try channel.pipeline.syncOperations.addHandler(RefusingHandler(uid: peer.uid))
                            return
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLength: 1 << 20)))
                        try channel.pipeline.syncOperations.addHandler(
                            ControlConnectionHandler(service: service, peer: peer, outboxCapacity: outboxCapacity))
                    }
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
        } catch {
            throw ControlError(.internal, "cannot listen on control socket \(path): \(error)")
        }
        guard chmod(path, 0o600) == 0 else {
            let reason = String(cString: strerror(errno))
            try? await channel.close()
            throw ControlError(.internal, "cannot set mode 0600 on control socket \(path): \(reason)")
        }
        return ControlSocketServer(path: path, channel: channel)
    }

    /// Stops accepting connections and removes the socket file. Open connections are not cut.
    public func close() async {
        try? await channel.close()
        unlink(path)
    }
}

/// True when something accepts connections on the Unix socket at `path` (a live daemon, as
/// opposed to a stale socket file left by a crash).
func isListening(_ path: String) -> Bool {
    var info = stat()
    guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else { return false }
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (i, b) in bytes.enumerated() { raw[i] = b }
    }
    let rc = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    return rc == 0
}

/// Tells a peer of another uid it may not use the socket, shuts the write side, discards what the
/// peer sends (so a client that writes its request first still reads the refusal) and closes at the
/// peer's end of input or after a few seconds.
final class RefusingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    /// How long a refused peer may keep the connection open.
    static let lingerTime = TimeAmount.seconds(5)

    private let uid: UInt32

    init(uid: UInt32) { self.uid = uid }

    func channelActive(context: ChannelHandlerContext) {
        let error = ControlError(.permissionDenied, "permission denied: uid \(uid) may not use this control socket")
        let channel = context.channel
        guard var data = try? controlJSONEncoder().encode(ControlResponse.failure(id: nil, error)) else {
            context.close(promise: nil)
            return
        }
        data.append(0x0a)
        channel.writeAndFlush(channel.allocator.buffer(bytes: data)).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
        }
        channel.eventLoop.scheduleTask(in: Self.lingerTime) { channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { context.close(promise: nil) }
    }
}
