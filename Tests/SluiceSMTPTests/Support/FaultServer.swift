import Foundation
import NIOCore
import NIOPosix

/// A loopback SMTP peer that misbehaves in one chosen way, for the delivery client's fault tests.
/// It speaks just enough SMTP (EHLO, MAIL, RCPT, DATA, RSET, QUIT) to reach the point where the
/// fault happens.
struct FaultServer {
    /// The one way the peer misbehaves.
    enum Fault: Sendable {
        /// Accepts the connection and never says anything.
        case silentAfterAccept
        /// Greets, then never answers EHLO.
        case silentAfterGreeting
        /// Greets with a line that is no SMTP reply.
        case garbageGreeting
        /// Greets with `bytes` bytes and no line end.
        case hugeGreeting(bytes: Int)
        /// Answers `421 4.7.0` to the greeting and closes.
        case busyGreeting
        /// Answers MAIL FROM with `421 4.7.0` and closes.
        case busyAfterMail
        /// Closes the connection in the middle of the message content.
        case dropMidData
        /// Offers STARTTLS, answers 220 to it, then answers the client's hello with bytes that are
        /// no TLS.
        case brokenTLS
        /// A well-behaved peer that writes every reply one byte at a time, each flushed.
        case oneByteAtATime
        /// Answers the end of data with a reply line of `bytes` bytes.
        case hugeFinalReply(bytes: Int)
    }

    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    static func start(_ fault: Fault) async throws -> FaultServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(FaultHandler(fault: fault))
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FaultServer(channel: channel)
    }

    func close() async throws { try await channel.close() }
}

/// The peer's side of one connection.
private final class FaultHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let fault: FaultServer.Fault
    private var pending: [UInt8] = []
    private var inData = false
    private var tlsRequested = false

    init(fault: FaultServer.Fault) { self.fault = fault }

    func channelActive(context: ChannelHandlerContext) {
        switch fault {
        case .silentAfterAccept: break
        case .garbageGreeting: send("hello, this is not SMTP\r\n", context: context)
        case .hugeGreeting(let bytes): send("220 " + String(repeating: "x", count: bytes), context: context)
        case .busyGreeting:
            send("421 4.7.0 Too busy, try later\r\n", context: context)
            context.close(promise: nil)
        default: send("220 fault.test ESMTP\r\n", context: context)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        if tlsRequested {
            pending = []
            send("HTTP/1.0 400 this is not a TLS server hello\r\n\r\n", context: context)
            return
        }
        if inData, case .dropMidData = fault {
            context.close(promise: nil)
            return
        }
        while true {
            if inData {
                guard let end = find([13, 10, 46, 13, 10], in: pending) else { return }
                pending.removeFirst(end + 5)
                inData = false
                if case .hugeFinalReply(let bytes) = fault {
                    send("250 " + String(repeating: "y", count: bytes) + "\r\n", context: context)
                } else {
                    send("250 2.0.0 Ok: queued\r\n", context: context)
                }
                continue
            }
            guard let end = find([13, 10], in: pending) else { return }
            let line = String(decoding: pending[..<end], as: UTF8.self)
            pending.removeFirst(end + 2)
            command(line.uppercased(), context: context)
        }
    }

    private func command(_ line: String, context: ChannelHandlerContext) {
        if case .silentAfterGreeting = fault { return }
        switch line.prefix(4) {
        case "EHLO":
            let tls = if case .brokenTLS = fault { "250-STARTTLS\r\n" } else { "" }
            send("250-fault.test\r\n250-PIPELINING\r\n\(tls)250 8BITMIME\r\n", context: context)
        case "STAR":
            tlsRequested = true
            send("220 2.0.0 Ready to start TLS\r\n", context: context)
        case "MAIL":
            if case .busyAfterMail = fault {
                send("421 4.7.0 Too busy, closing\r\n", context: context)
                context.close(promise: nil)
            } else {
                send("250 2.1.0 Ok\r\n", context: context)
            }
        case "RCPT": send("250 2.1.5 Ok\r\n", context: context)
        case "DATA":
            inData = true
            send("354 End data with <CR><LF>.<CR><LF>\r\n", context: context)
        case "RSET": send("250 2.0.0 Ok\r\n", context: context)
        case "QUIT":
            send("221 2.0.0 Bye\r\n", context: context)
            context.close(promise: nil)
        default: send("502 5.5.2 Error: command not recognized\r\n", context: context)
        }
    }

    private func send(_ text: String, context: ChannelHandlerContext) {
        let bytes = Array(text.utf8)
        if case .oneByteAtATime = fault {
            for byte in bytes { context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: [byte])), promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
        }
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

/// The process's open file descriptors (entries of /proc/self/fd), for leak checks.
func openDescriptorCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
}
