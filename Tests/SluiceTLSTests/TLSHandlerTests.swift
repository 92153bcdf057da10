import NIOCore
import NIOEmbedded
import NIOTLS
import Testing
@testable import SluiceTLS

/// A client and a server TLSHandler on two EmbeddedChannels, with the bytes carried between
/// them by hand: handshake, data both ways, refusals, closing.
@Suite struct TLSHandlerTests {
    /// Records what reaches the end of a pipeline: plaintext, TLS events, errors.
    final class Recorder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var received: [UInt8] = []
        var handshakes = 0
        var errors: [any Error] = []

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += Array(buffer: unwrapInboundIn(data))
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let event = event as? TLSUserEvent, case .handshakeCompleted = event { handshakes += 1 }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            errors.append(error)
        }
    }

    struct Pair {
        let client: EmbeddedChannel
        let server: EmbeddedChannel
        let clientRecorder = Recorder()
        let serverRecorder = Recorder()

        init(verifyPeer: Bool = false, serverName: String? = "mx.sluice.test") throws {
            let certificate = try TLSCertificate(pem: Array(TestCredentials.certificate.utf8))
            let key = try TLSPrivateKey(pem: Array(TestCredentials.key.utf8))
            let serverContext = try TLSContext.server(certificateChain: [certificate], privateKey: key)
            let clientContext = try TLSContext.client(verifyPeer: verifyPeer)
            client = EmbeddedChannel()
            server = EmbeddedChannel()
            try client.pipeline.syncOperations.addHandlers([try TLSHandler(context: clientContext, serverName: serverName),
                                                            clientRecorder])
            try server.pipeline.syncOperations.addHandlers([try TLSHandler(context: serverContext), serverRecorder])
            let address = try SocketAddress(ipAddress: "127.0.0.1", port: 25)
            try server.connect(to: address).wait()
            try client.connect(to: address).wait()
        }

        /// Carries bytes both ways until neither end has anything to send.
        func exchange() throws {
            var moved = true
            while moved {
                moved = false
                while let bytes = try client.readOutbound(as: ByteBuffer.self) {
                    moved = true
                    if server.isActive { try server.writeInbound(bytes) }
                }
                while let bytes = try server.readOutbound(as: ByteBuffer.self) {
                    moved = true
                    if client.isActive { try client.writeInbound(bytes) }
                }
            }
        }

        /// Closes what is still open and runs the loops dry (a channel a test or a handler closed
        /// keeps its pipeline, and so its handlers, until `finish` runs its loop).
        func finish() {
            _ = try? client.finish(acceptAlreadyClosed: true)
            _ = try? server.finish(acceptAlreadyClosed: true)
        }
    }

    @Test func handshakeCompletesAndDataCrossesBothWays() throws {
        let pair = try Pair()
        defer { pair.finish() }
        try pair.exchange()
        #expect(pair.clientRecorder.handshakes == 1)
        #expect(pair.serverRecorder.handshakes == 1)

        // Larger than several TLS records (16 KiB each).
        let message = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try pair.client.writeAndFlush(ByteBuffer(bytes: message)).wait()
        try pair.server.writeAndFlush(ByteBuffer(string: "250 OK\r\n")).wait()
        try pair.exchange()
        #expect(pair.serverRecorder.received == message)
        #expect(pair.clientRecorder.received == Array("250 OK\r\n".utf8))
        #expect(pair.clientRecorder.errors.isEmpty && pair.serverRecorder.errors.isEmpty)
    }

    @Test func plaintextIsNeverWrittenInTheClear() throws {
        let pair = try Pair()
        defer { pair.finish() }
        try pair.exchange()
        let secret = "AUTH PLAIN AGFwcABzM2NyZXQ="
        pair.client.writeAndFlush(ByteBuffer(string: secret), promise: nil)
        var wire: [UInt8] = []
        while let bytes = try pair.client.readOutbound(as: ByteBuffer.self) { wire += Array(buffer: bytes) }
        #expect(!wire.isEmpty)
        #expect(!String(decoding: wire, as: UTF8.self).contains("AGFwcABzM2NyZXQ"))
    }

    @Test func writesBeforeTheHandshakeWaitForIt() throws {
        let pair = try Pair()
        defer { pair.finish() }
        let written = pair.client.eventLoop.makePromise(of: Void.self)
        pair.client.writeAndFlush(ByteBuffer(string: "EHLO client.test\r\n"), promise: written)
        try pair.exchange()
        try written.futureResult.wait()
        #expect(pair.serverRecorder.received == Array("EHLO client.test\r\n".utf8))
    }

    @Test func aSelfSignedCertificateFailsVerification() throws {
        let pair = try Pair(verifyPeer: true)
        defer { pair.finish() }
        try pair.exchange()
        #expect(pair.clientRecorder.handshakes == 0)
        let error = try #require(pair.clientRecorder.errors.first as? TLSError)
        #expect(error.what == "handshake failed")
        #expect(error.description.contains("self-signed certificate"))
        #expect(!pair.client.isActive)
        // The alert told the server, which closed too.
        #expect(!pair.server.isActive)
    }

    @Test func garbageInsteadOfAClientHelloFailsAndCloses() throws {
        let pair = try Pair()
        defer { pair.finish() }
        try pair.server.writeInbound(ByteBuffer(string: "GET / HTTP/1.0\r\n\r\n"))
        let error = try #require(pair.serverRecorder.errors.first as? TLSError)
        #expect(error.description.hasPrefix("handshake failed: "))
        #expect(!error.reasons.isEmpty)
        #expect(!pair.server.isActive)
        #expect(pair.serverRecorder.handshakes == 0)
    }

    @Test func closingSendsCloseNotifyAndThePeerCloses() throws {
        let pair = try Pair()
        defer { pair.finish() }
        try pair.exchange()
        try pair.client.close().wait()
        try pair.exchange()
        #expect(!pair.client.isActive)
        #expect(!pair.server.isActive)
        #expect(pair.serverRecorder.errors.isEmpty)
    }

    @Test func writesAfterCloseFail() throws {
        let pair = try Pair()
        defer { pair.finish() }
        let pending = pair.client.eventLoop.makePromise(of: Void.self)
        pair.client.write(ByteBuffer(string: "MAIL FROM:<a@b.test>\r\n"), promise: pending)
        try pair.client.close().wait()
        #expect(throws: ChannelError.ioOnClosedChannel) { try pending.futureResult.wait() }
    }
}
