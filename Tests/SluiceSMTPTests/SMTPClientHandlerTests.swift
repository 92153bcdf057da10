import NIOCore
import NIOEmbedded
import SluiceConfig
import SluiceBase
import Testing
@testable import SluiceSMTP

/// The delivery client's NIO handler on an `EmbeddedChannel`: the peer's bytes go in, the
/// client's commands come out, and `advanceTime` fires the timeouts.
@Suite struct SMTPClientHandlerTests {
    typealias M = ClientMachine

    /// A client connection to mx.dest.test, its opening promise and what it wrote.
    struct Connection {
        let loop = EmbeddedEventLoop()
        let channel: EmbeddedChannel
        let handler: SMTPClientHandler
        let opening: EventLoopFuture<SMTPClientStateMachine.Session>

        init(configuration: SMTPClientConfiguration = M.configuration(), tls: SMTPClientTLS? = nil) throws {
            let promise = loop.makePromise(of: SMTPClientStateMachine.Session.self)
            opening = promise.futureResult
            handler = SMTPClientHandler(configuration: configuration, host: "mx.dest.test", tls: tls, opening: promise)
            channel = EmbeddedChannel(handler: handler, loop: loop)
            channel.connect(to: try SocketAddress(ipAddress: "192.0.2.25", port: 25), promise: nil)
        }

        /// The peer sends `text`.
        func peer(_ text: String) throws {
            try channel.writeInbound(ByteBuffer(string: text))
        }

        /// What the client wrote since the last call.
        func sent() throws -> String {
            var text = ""
            while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
            return text
        }

        /// Opens the session on a peer announcing `extensions`.
        func open(_ extensions: [String]) throws {
            try peer("220 mx.dest.test ESMTP\r\n")
            #expect(try sent() == "EHLO vmta.test\r\n")
            try peer((["mx.dest.test"] + extensions).enumerated().map { index, line in
                "250\(index == extensions.count ? " " : "-")\(line)\r\n"
            }.joined())
            #expect(result(of: opening)?.map(\.tlsActive) == .success(false))
        }

        func send(_ transaction: OutboundTransaction) -> EventLoopFuture<TransactionOutcome> {
            let promise = loop.makePromise(of: TransactionOutcome.self)
            handler.send(transaction, promise: promise)
            return promise.futureResult
        }

        /// Ends the test: the channel closes, and every promise is completed.
        func finish() throws {
            _ = try channel.finish(acceptAlreadyClosed: true)
        }
    }

    /// The result of `future` if it is complete.
    static func result<T>(of future: EventLoopFuture<T>) -> Result<T, SMTPClientError>? {
        var result: Result<T, SMTPClientError>?
        future.assumeIsolated().whenComplete { outcome in
            result = outcome.mapError { $0 as? SMTPClientError ?? .connectionLost("\($0)") }
        }
        return result
    }

    func result<T>(of future: EventLoopFuture<T>) -> Result<T, SMTPClientError>? { Self.result(of: future) }

    @Test func repliesSplitAcrossReadsAndMultilineRepliesAreFramed() throws {
        let connection = try Connection()
        try connection.peer("220 mx.dest.test ES")
        #expect(try connection.sent() == "", "no command before the whole greeting")
        try connection.peer("MTP\r\n")
        #expect(try connection.sent() == "EHLO vmta.test\r\n")
        try connection.peer("250-mx.dest.test\r\n250-PIPEL")
        try connection.peer("INING\n250-SIZE 1000\r")
        #expect(result(of: connection.opening) == nil)
        try connection.peer("\n250 8BITMIME\r\n")
        let session = try #require(try result(of: connection.opening)?.get())
        #expect(session.capabilities.pipelining && session.capabilities.size == 1000 && session.capabilities.eightBitMIME)
        #expect(session.greeting == SMTPReply(220, nil, "mx.dest.test ESMTP"))
        try connection.finish()
    }

    @Test func pipelinedTransactionOverTheWire() throws {
        let connection = try Connection()
        try connection.open(["PIPELINING"])
        let outcome = connection.send(M.transaction(["ok@d.test", "perm@d.test"]))
        #expect(try connection.sent() == "MAIL FROM:<b@s.test>\r\nRCPT TO:<ok@d.test>\r\nRCPT TO:<perm@d.test>\r\nDATA\r\n")
        // All the replies in one read.
        try connection.peer("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 No such user\r\n354 Go ahead\r\n")
        #expect(try connection.sent() == "Subject: t\r\n\r\n..leading dot\r\n.\r\n")
        #expect(result(of: outcome) == nil)
        try connection.peer("250 2.0.0 Ok: queued as X1\r\n")
        let delivered = try #require(try result(of: outcome)?.get())
        #expect(delivered.recipients.map(\.reply.dsnDiag) == ["250 2.0.0 Ok: queued as X1", "550 5.1.1 No such user"])
        #expect(delivered.connectionReusable)
        // QUIT, the reply, and the client closes.
        connection.handler.quit()
        #expect(try connection.sent() == "QUIT\r\n")
        #expect(connection.channel.isActive)
        try connection.peer("221 2.0.0 Bye\r\n")
        #expect(!connection.channel.isActive)
        try connection.finish()
    }

    @Test func greetingTimeoutFiresOnTheEventLoop() throws {
        let connection = try Connection()
        connection.loop.advanceTime(by: .seconds(119))
        #expect(result(of: connection.opening) == nil)
        connection.loop.advanceTime(by: .seconds(1))
        #expect(result(of: connection.opening) == .failure(.timedOut(phase: "greeting")))
        #expect(!connection.channel.isActive)
        try connection.finish()
    }

    @Test func dataTerminationTimeoutWithAssumedDelivery() throws {
        let connection = try Connection(configuration: M.configuration { $0.assumeDeliveryUponDataTerminationTimeout = true })
        try connection.open(["PIPELINING"])
        let outcome = connection.send(M.transaction(["a@d.test"]))
        try connection.peer("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n")
        // The DATA reply comes within the command timeout, which each reply restarts.
        connection.loop.advanceTime(by: .minutes(2))
        try connection.peer("354 Go ahead\r\n")
        connection.loop.advanceTime(by: .minutes(3))
        #expect(result(of: outcome) == nil, "the data timeout is 4 minutes")
        connection.loop.advanceTime(by: .minutes(1))
        let assumed = try #require(try result(of: outcome)?.get())
        #expect(assumed.recipients.map(\.disposition) == [.delivered])
        #expect(assumed.recipients[0].reply.dsnDiag.hasPrefix("250 2.0.0 assumed delivered: timeout waiting for reply to end of data"))
        #expect(!assumed.connectionReusable)
        #expect(!connection.channel.isActive)
        try connection.finish()
    }

    @Test func overlongOrMalformedRepliesBreakTheConnection() throws {
        let long = try Connection(configuration: M.configuration { $0.maximumReplyLineLength = 64 })
        try long.peer("220 " + String(repeating: "x", count: 60))
        #expect(result(of: long.opening) == .failure(.protocolError("reply line longer than 64 bytes")))
        #expect(!long.channel.isActive)
        try long.finish()

        let garbage = try Connection()
        try garbage.peer("HTTP/1.0 200 OK\r\n")
        #expect(result(of: garbage.opening) == .failure(.protocolError("reply line without a 2xx-5xx code: \"HTTP/1.0 200 OK\"")))
        try garbage.finish()
    }

    @Test func peerClosingMidTransactionDefersItAndLaterOnes() throws {
        let connection = try Connection()
        try connection.open(["PIPELINING"])
        let first = connection.send(M.transaction(["a@d.test"]))
        let second = connection.send(M.transaction(["b@d.test"]))
        #expect(try connection.sent() == "MAIL FROM:<b@s.test>\r\nRCPT TO:<a@d.test>\r\nDATA\r\n", "the second waits")
        try connection.peer("250 2.1.0 Ok\r\n")
        connection.channel.pipeline.fireChannelInactive()
        #expect(try result(of: first)?.get().recipients.map(\.reply.dsnDiag) == ["451 4.4.2 connection lost: closed by peer"])
        #expect(try result(of: second)?.get().recipients.map(\.reply.dsnDiag) == ["451 4.4.2 connection lost: connection not usable"])
        // A request after the end is answered at once.
        let late = connection.send(M.transaction(["c@d.test"]))
        #expect(try result(of: late)?.get().connectionReusable == false)
        try connection.finish()
    }

    @Test func startTLSDropsWhatThePeerSentBeforeTheHandshake() throws {
        let loop = EmbeddedEventLoop()
        let handshake = loop.makePromise(of: Void.self)
        let tls = SMTPClientTLS { _, _ in handshake.futureResult }
        let promise = loop.makePromise(of: SMTPClientStateMachine.Session.self)
        let handler = SMTPClientHandler(configuration: M.configuration(), host: "mx.dest.test", tls: tls, opening: promise)
        let channel = EmbeddedChannel(handler: handler, loop: loop)
        channel.connect(to: try SocketAddress(ipAddress: "192.0.2.25", port: 25), promise: nil)
        func sent() throws -> String {
            var text = ""
            while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
            return text
        }
        try channel.writeInbound(ByteBuffer(string: "220 mx ESMTP\r\n250-mx\r\n"))
        try channel.writeInbound(ByteBuffer(string: "250 STARTTLS\r\n"))
        #expect(try sent() == "EHLO vmta.test\r\nSTARTTLS\r\n")
        // A reply injected after the 220, in the same read, is not taken for the EHLO's after TLS.
        try channel.writeInbound(ByteBuffer(string: "220 2.0.0 Ready\r\n250 injected\r\n"))
        #expect(try sent() == "")
        handshake.succeed()
        #expect(try sent() == "EHLO vmta.test\r\n")
        try channel.writeInbound(ByteBuffer(string: "250-mx\r\n250 PIPELINING\r\n"))
        let session = try #require(try Self.result(of: promise.futureResult)?.get())
        #expect(session.tlsActive && session.capabilities.pipelining && !session.capabilities.startTLS)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }
}
