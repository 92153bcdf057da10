import CSSL
import NIOCore
import NIOTLS

/// TLS on a channel, with OpenSSL working on memory buffers: ciphertext read from the network is
/// handed to OpenSSL and the plaintext passed on; plaintext written is encrypted and the records
/// written to the network. Put it at the front of the pipeline (for STARTTLS, once the 220 has
/// left in plain text). When the handshake completes it fires
/// `TLSUserEvent.handshakeCompleted`; a failed handshake or a broken record fires a ``TLSError``
/// and closes the channel.
///
/// Writes made before the handshake completes wait for it. Closing the channel sends the TLS
/// `close_notify` first; a peer's `close_notify` closes the channel.
public final class TLSHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private enum State {
        /// Nothing exchanged yet: a server waits for the ClientHello, a client for the channel.
        case idle
        case handshaking
        case active
        case closed
    }

    /// Plaintext read per `SSL_read`: one TLS record's worth.
    private static let readChunk = 16_384

    private let isClient: Bool
    // SSL*, owning its two memory BIOs.
    private let session: OpaquePointer
    private let networkIn: OpaquePointer
    private let networkOut: OpaquePointer
    private var state = State.idle
    private var waitingWrites: [(ByteBuffer, EventLoopPromise<Void>?)] = []

    /// A session of `context`; a client names the server it expects with `serverName`: sent as
    /// SNI when it is a host name, and checked against the certificate when the context verifies.
    ///
    /// - Throws: ``TLSError`` when OpenSSL cannot create the session.
    public init(context: TLSContext, serverName: String? = nil) throws(TLSError) {
        ERR_clear_error()
        guard let session = SSL_new(context.pointer) else { throw TLSError.fromQueue("a TLS session cannot be created") }
        guard let networkIn = BIO_new(BIO_s_mem()), let networkOut = BIO_new(BIO_s_mem()) else {
            SSL_free(session)
            throw TLSError.fromQueue("a TLS buffer cannot be created")
        }
        // The session holds a reference to the context and owns the two buffers from here.
        SSL_set_bio(session, networkIn, networkOut)
        self.session = session
        self.networkIn = networkIn
        self.networkOut = networkOut
        switch context.role {
        case .server:
            isClient = false
            SSL_set_accept_state(session)
        case .client(let verifyPeer):
            isClient = true
            SSL_set_connect_state(session)
            if let serverName {
                try Self.name(session, serverName, verify: verifyPeer)
            }
        }
    }

    deinit { SSL_free(session) }

    private static func name(_ session: OpaquePointer, _ serverName: String, verify: Bool) throws(TLSError) {
        let isAddress = IPAddressText.isAddress(serverName)
        // SNI carries host names only, never address literals (RFC 6066 §3).
        if !isAddress && sluice_ssl_set_server_name(session, serverName) != 1 {
            throw TLSError.fromQueue("the server name \(serverName) cannot be sent")
        }
        guard verify else { return }
        let named = isAddress ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(session), serverName)
                              : SSL_set1_host(session, serverName)
        if named != 1 { throw TLSError.fromQueue("the server name \(serverName) cannot be checked") }
    }

    // MARK: Inbound

    public func handlerAdded(context: ChannelHandlerContext) {
        if isClient && context.channel.isActive { startHandshake(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        if isClient { startHandshake(context: context) }
        context.fireChannelActive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard state != .closed else { return }
        let bytes = unwrapInboundIn(data)
        let taken = bytes.withUnsafeReadableBytes { BIO_write(networkIn, $0.baseAddress, Int32($0.count)) }
        guard Int(taken) == bytes.readableBytes else {
            fail(context: context, TLSError.fromQueue("TLS input cannot be buffered"))
            return
        }
        if state == .idle { state = .handshaking }
        if state == .handshaking { advanceHandshake(context: context) }
        if state == .active { readPlaintext(context: context) }
    }

    public func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        failWaitingWrites(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    private func startHandshake(context: ChannelHandlerContext) {
        guard state == .idle else { return }
        state = .handshaking
        advanceHandshake(context: context)
    }

    private func advanceHandshake(context: ChannelHandlerContext) {
        ERR_clear_error()
        let result = SSL_do_handshake(session)
        if result == 1 {
            state = .active
            writeRecords(context: context, promise: nil)
            for (plaintext, promise) in waitingWrites { encrypt(plaintext, context: context, promise: promise) }
            waitingWrites = []
            context.flush()
            context.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: nil))
            return
        }
        switch SSL_get_error(session, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            if writeRecords(context: context, promise: nil) { context.flush() }
        default:
            var error = TLSError.fromQueue("handshake failed")
            let verification = SSL_get_verify_result(session)
            if verification != Int(X509_V_OK), let reason = X509_verify_cert_error_string(verification) {
                error = TLSError(error.what, reasons: error.reasons + ["certificate: " + String(cString: reason)])
            }
            fail(context: context, error)
        }
    }

    private func readPlaintext(context: ChannelHandlerContext) {
        while state == .active {
            var plaintext = context.channel.allocator.buffer(capacity: Self.readChunk)
            var result: Int32 = 0
            ERR_clear_error()
            plaintext.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.readChunk) { space in
                result = SSL_read(session, space.baseAddress, Int32(space.count))
                return max(Int(result), 0)
            }
            if result > 0 {
                context.fireChannelRead(wrapInboundOut(plaintext))
                continue
            }
            switch SSL_get_error(session, result) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                // Post-handshake messages (TLS 1.3 tickets, key updates) may want an answer.
                if writeRecords(context: context, promise: nil) { context.flush() }
                return
            case SSL_ERROR_ZERO_RETURN:
                // The peer's close_notify: answer it and close.
                context.close(promise: nil)
                return
            default:
                fail(context: context, TLSError.fromQueue("TLS record cannot be read"))
                return
            }
        }
    }

    // MARK: Outbound

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let plaintext = unwrapOutboundIn(data)
        switch state {
        case .idle, .handshaking: waitingWrites.append((plaintext, promise))
        case .active: encrypt(plaintext, context: context, promise: promise)
        case .closed: promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    public func flush(context: ChannelHandlerContext) {
        // Before the handshake completes there is nothing to flush; it flushes when done.
        if state == .active || state == .closed { context.flush() }
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .all {
            if state == .active {
                // close_notify, without waiting for the peer's (RFC 8446 §6.1 allows it).
                ERR_clear_error()
                _ = SSL_shutdown(session)
                if writeRecords(context: context, promise: nil) { context.flush() }
            }
            state = .closed
            failWaitingWrites(ChannelError.ioOnClosedChannel)
        }
        context.close(mode: mode, promise: promise)
    }

    private func encrypt(_ plaintext: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        if plaintext.readableBytes > 0 {
            ERR_clear_error()
            let written = plaintext.withUnsafeReadableBytes { SSL_write(session, $0.baseAddress, Int32($0.count)) }
            guard Int(written) == plaintext.readableBytes else {
                let error = TLSError.fromQueue("TLS record cannot be written")
                promise?.fail(error)
                fail(context: context, error)
                return
            }
        }
        if !writeRecords(context: context, promise: promise) {
            context.write(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: promise)
        }
    }

    /// Writes what OpenSSL has produced for the network, if anything; true when it wrote.
    @discardableResult
    private func writeRecords(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) -> Bool {
        let pending = Int(BIO_ctrl_pending(networkOut))
        guard pending > 0 else { return false }
        var records = context.channel.allocator.buffer(capacity: pending)
        records.writeWithUnsafeMutableBytes(minimumWritableBytes: pending) { space in
            max(Int(BIO_read(networkOut, space.baseAddress, Int32(pending))), 0)
        }
        context.write(wrapOutboundOut(records), promise: promise)
        return true
    }

    private func fail(context: ChannelHandlerContext, _ error: TLSError) {
        guard state != .closed else { return }
        state = .closed
        // The alert OpenSSL wrote, if any, tells the peer why.
        if writeRecords(context: context, promise: nil) { context.flush() }
        failWaitingWrites(error)
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    private func failWaitingWrites(_ error: any Error) {
        let writes = waitingWrites
        waitingWrites = []
        for (_, promise) in writes { promise?.fail(error) }
    }
}

/// Whether a string is an IP address literal.
enum IPAddressText {
    static func isAddress(_ text: String) -> Bool {
        (try? SocketAddress(ipAddress: text, port: 0)) != nil
    }
}
