import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SluiceConfig
import SluiceControlProtocol
import SluiceCore
import Synchronization

/// The HTTP management API: JSON endpoints for the control commands and `/metrics`, behind the
/// `http-access` ACL and bearer tokens. Binds to loopback unless told otherwise.
public final class ManagementHTTPServer: Sendable {
    /// The address actually bound (with the real port when 0 was asked for).
    public let localAddress: SocketAddress
    private let channel: any Channel

    private init(localAddress: SocketAddress, channel: any Channel) {
        self.localAddress = localAddress
        self.channel = channel
    }

    /// How long a client may take to send its request before the connection is closed.
    public static let requestTimeout = TimeAmount.seconds(30)

    /// Connections served at once; one more gets `503` and is closed, so that clients holding
    /// connections open cannot use up the descriptors kept for the control socket and the spool.
    public static let maximumConnections = 128

    /// The bound port.
    public var port: Int { localAddress.port ?? 0 }

    /// Starts serving `service` on `host:port`.
    ///
    /// - Parameters:
    ///   - allowNonLoopback: bind a non-loopback address only when true (an explicit configuration).
    /// - Throws: ``ControlError`` `usage` for a non-loopback address without `allowNonLoopback` or a
    ///   bad host, `internal` when binding fails.
    public static func start(host: String = "127.0.0.1", port: Int, access: HTTPAccess, service: ControlService,
                             allowNonLoopback: Bool = false,
                             group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws(ControlError) -> ManagementHTTPServer {
        guard let ip = IPAddress(host) else { throw ControlError(.usage, "http-mgmt address '\(host)' is not an IP address") }
        guard ip.isLoopback || allowNonLoopback else {
            throw ControlError(.usage, "refusing to serve the management API on non-loopback address \(host) unless configured explicitly")
        }
        let open = ConnectionCount(limit: maximumConnections)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Out of descriptors (EMFILE/ENFILE), accepting pauses instead of spinning.
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler())
                }
            }
            .childChannelInitializer { [requestTimeout = Self.requestTimeout] channel in
                guard open.enter() else {
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(BusyRefusal())
                    }
                }
                channel.closeFuture.whenComplete { _ in open.leave() }
                // One request per connection, so no pipelining assistance (it would hold back a
                // parse error in a request body until a response that never comes); parse errors
                // are answered by ManagementHTTPHandler, which then closes the connection.
                return channel.pipeline.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: false).flatMap {
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: requestTimeout))
                        try channel.pipeline.syncOperations.addHandler(ManagementHTTPHandler(access: access, service: service))
                    }
                }
            }
        do {
            let channel = try await bootstrap.bind(host: host, port: port).get()
            guard let local = channel.localAddress else { throw ControlError(.internal, "no local address") }
            return ManagementHTTPServer(localAddress: local, channel: channel)
        } catch {
            throw ControlError(.internal, "cannot serve the management API on \(host):\(port): \(error)")
        }
    }

    /// Stops accepting connections.
    public func close() async {
        try? await channel.close()
    }
}

/// One HTTP connection: collects a request, authorizes, routes and answers; one request per
/// connection (`Connection: close`, closed once the response is written). A request the HTTP
/// decoder cannot parse gets a 400 and is closed the same way.
final class ManagementHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// The largest request body accepted.
    static let maxBody = 64 * 1024

    private let access: HTTPAccess
    private let service: ControlService
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false
    /// Set once a response is under way: the connection closes after it, so nothing more is read.
    private var answering = false

    init(access: HTTPAccess, service: ControlService) {
        self.access = access
        self.service = service
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answering else { return }
        switch Self.unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = []
            tooLarge = false
        case .body(let buffer):
            if body.count + buffer.readableBytes > Self.maxBody { tooLarge = true } else { body += buffer.readableBytesView }
        case .end:
            guard let head else { return }
            self.head = nil
            answering = true
            respond(to: head, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A response under way closes the connection once written; later errors change nothing.
        guard !answering else { return }
        answering = true
        guard error is HTTPParserError else {
            context.close(promise: nil)
            return
        }
        Reply(channel: context.channel, omitsBody: false)
            .send(status: 400, json: Self.errorJSON(ControlError(.usage, "malformed HTTP request: \(error)")))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent, !answering {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let reply = Reply(channel: context.channel, omitsBody: head.method == .HEAD)
        guard !tooLarge else {
            reply.send(status: 413, json: Self.errorJSON(ControlError(.usage, "request body too large")))
            return
        }
        let address = context.channel.remoteAddress?.ipAddress.flatMap(IPAddress.init)
        let isReadOnly = head.method == .GET || head.method == .HEAD
        let tokenID: String
        switch access.authorize(address: address, authorization: head.headers.first(name: "authorization"), isReadOnly: isReadOnly) {
        case .failure(let refusal):
            reply.send(status: refusal.status, json: Self.errorJSON(Self.error(for: refusal)),
                       extraHeaders: refusal.status == 401 ? [("WWW-Authenticate", "Bearer realm=\"sluice\"")] : [])
            return
        case .success(let id): tokenID = id
        }
        let route: HTTPRoute
        do { route = try HTTPRoute.route(method: head.method.rawValue, uri: head.uri, body: body) } catch {
            reply.send(status: error.status, json: Self.errorJSON(Self.error(for: error)))
            return
        }
        let service = self.service
        Task { await ManagementHTTPHandler.answer(route, tokenID: tokenID, service: service, reply: reply) }
    }

    private static func answer(_ route: HTTPRoute, tokenID: String, service: ControlService, reply: Reply) async {
        switch route {
        case .metrics:
            let snapshot = await service.snapshot()
            let text = MetricsRenderer.render(snapshot, bouncesByCategory: await service.node.bouncesByCategory())
            reply.send(status: 200, body: Array(text.utf8), contentType: MetricsRenderer.contentType)
        case .command(let command, let reason, let ttl):
            switch await service.result(of: command, reason: reason, ttlSeconds: ttl, by: .token(tokenID)) {
            case .success(let result):
                let data = (try? controlJSONEncoder().encode(result)) ?? Data("{}".utf8)
                reply.send(status: 200, json: Array(data))
            case .failure(let error):
                reply.send(status: error.httpStatus, json: errorJSON(error))
            }
        }
    }

    private static func error(for refusal: HTTPAccess.Refusal) -> ControlError {
        switch refusal.status {
        case 401, 403: return ControlError(.permissionDenied, refusal.message)
        default: return ControlError(.usage, refusal.message)
        }
    }

    private static func errorJSON(_ error: ControlError) -> [UInt8] {
        struct Body: Encodable { var error: ControlError }
        return Array((try? controlJSONEncoder().encode(Body(error: error))) ?? Data())
    }

    /// The one response of a connection: written with `Connection: close`, then the connection is
    /// closed. A response to HEAD carries the headers GET would (`Content-Length` included) and no body.
    struct Reply: Sendable {
        var channel: any Channel
        var omitsBody: Bool

        func send(status: Int, json: [UInt8], extraHeaders: [(String, String)] = []) {
            send(status: status, body: json + [0x0a], contentType: "application/json", extraHeaders: extraHeaders)
        }

        func send(status: Int, body: [UInt8], contentType: String, extraHeaders: [(String, String)] = []) {
            var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", String(body.count)), ("Connection", "close")])
            headers.add(contentsOf: extraHeaders)
            let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
            let channel = self.channel
            channel.write(HTTPServerResponsePart.head(head), promise: nil)
            if !omitsBody {
                channel.write(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(bytes: body))), promise: nil)
            }
            channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

/// Connections open on the management port, up to a limit.
final class ConnectionCount: Sendable {
    private let count = Mutex(0)
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Counts a new connection; false (not counted) at the limit.
    func enter() -> Bool {
        count.withLock { open in
            guard open < limit else { return false }
            open += 1
            return true
        }
    }

    func leave() { count.withLock { $0 -= 1 } }
}

/// Answers a connection over ``ManagementHTTPServer/maximumConnections`` with `503` and closes it.
final class BusyRefusal: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelActive(context: ChannelHandlerContext) {
        let text = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text))).assumeIsolated()
            .whenComplete { _ in context.close(promise: nil) }
        context.fireChannelActive()
    }
}
