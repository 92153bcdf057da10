import NIOCore
import NIOEmbedded
import SluiceConfig
import SluiceBase
import SluiceSandbox
@testable import SluiceSandboxServer
import Testing

/// The sandbox's framing and command parsing, which are SluiceSMTP's: command lines through
/// ``SMTPCommandParser``, content through a counting ``DataReceiver``, on an `EmbeddedChannel`.
@Suite struct SandboxInputTests {
    /// One sandbox connection from 127.0.0.9 on an `EmbeddedChannel`.
    struct Connection {
        let channel: EmbeddedChannel
        let receiver: SandboxReceiver
        let counters = SandboxServerCounters()

        init(limits: SandboxServerLimits = SandboxServerLimits()) throws {
            let profile = try ProfileParser(file: "test.profile").parse("hostname mx.test", name: "test")
            receiver = SandboxReceiver(profile: profile, seed: 1, startedAt: .zero)
            channel = EmbeddedChannel(handler: SandboxConnectionHandler(receiver: receiver, limits: limits, clock: VirtualClock(.zero),
                                                                         counters: counters))
            channel.remoteAddress = try SocketAddress(ipAddress: "127.0.0.9", port: 40_000)
            channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 25), promise: nil)
        }

        func send<Bytes: Sequence>(_ bytes: Bytes) throws where Bytes.Element == UInt8 {
            try channel.writeInbound(ByteBuffer(bytes: Array(bytes)))
        }

        /// The reply lines sent so far.
        func replies() throws -> [String] {
            var text = ""
            while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
            return text.split(separator: "\r\n").map(String.init)
        }
    }

    @Test func commandLinesParseWithSluiceSMTPsParser() {
        #expect(SandboxCommand(line: "EHLO client.test") == .hello("client.test", extended: true))
        #expect(SandboxCommand(line: "helo x") == .hello("x", extended: false))
        #expect(SandboxCommand(line: "MAIL FROM:<a@b.test> SIZE=1234 BODY=8BITMIME") == .mail(from: "a@b.test"))
        #expect(SandboxCommand(line: "mail from: <>") == .mail(from: ""))
        #expect(SandboxCommand(line: "RCPT TO:<c@d.test> NOTIFY=NEVER") == .recipient("c@d.test"))
        #expect(SandboxCommand(line: "DATA") == .data)
        #expect(SandboxCommand(line: "RSET") == .reset)
        #expect(SandboxCommand(line: "NOOP") == .noop)
        #expect(SandboxCommand(line: "QUIT") == .quit)
        // Commands the sandbox does not offer, unknown verbs and control characters.
        #expect(SandboxCommand(line: "STARTTLS") == .unrecognized("STARTTLS"))
        #expect(SandboxCommand(line: "") == .unrecognized(""))
        #expect(SandboxCommand(line: "XYZZY\u{1}") == .unrecognized("XYZZY\u{1}"))
        // A known verb with bad syntax carries the parser's reply.
        #expect(SandboxCommand(line: "MAIL TO:<x@y>") == .malformed(SMTPReply(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]")))
        #expect(SandboxCommand(line: "EHLO") == .malformed(SMTPReply(501, "5.5.4", "Syntax: EHLO hostname")))
        #expect(SandboxCommand(line: "RCPT TO:<nobody>") == .malformed(SMTPReply(501, "5.1.3", "Bad recipient address syntax")))
    }

    @Test func bytesSplitAnywhereGiveTheSameReplies() throws {
        let wire = Array("EHLO c.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<x@y.test>\r\nDATA\r\nab\r\n..dot\r\n\r\n.\r\nQUIT\r\n".utf8)
        var first: [String]?
        for cut in 0...wire.count {
            let connection = try Connection()
            try connection.send(wire[..<cut])
            try connection.send(wire[cut...])
            let replies = try connection.replies()
            #expect(replies.map { $0.prefix(4) } == ["220 ", "250-", "250-", "250-", "250-", "250 ", "250 ", "250 ", "354 ", "250 ", "221 "],
                    "cut at \(cut)")
            #expect(replies == (first ?? replies), "cut at \(cut)")
            first = first ?? replies
            // "ab\r\n" + ".dot\r\n" + "\r\n": the transparency dot removed, line endings counted.
            #expect(connection.receiver.stats.bytesAccepted == 12, "cut at \(cut)")
            #expect(!connection.channel.isActive, "QUIT closes")
        }
    }

    @Test func contentIsCountedNotJudged() throws {
        let connection = try Connection()
        // LF.LF and CR.CR are content, not the end mark; the sandbox counts them as they are.
        try connection.send(Array("EHLO c.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<x@y.test>\r\nDATA\r\nx\n.\ny\r.\rz\r\n.\r\n".utf8))
        #expect(try connection.replies().last?.hasPrefix("250 2.0.0 OK ") == true)
        #expect(connection.receiver.stats.bytesAccepted == 11)
    }

    @Test func overlongLineIsRefusedWithoutWaitingForItsEnd() throws {
        let fits = try Connection(limits: SandboxServerLimits(maximumLineLength: 64))
        try fits.send(Array((String(repeating: "x", count: 62) + "\r\n").utf8))
        #expect(try fits.replies().last == "500 5.5.2 Syntax error, command unrecognized")

        let long = try Connection(limits: SandboxServerLimits(maximumLineLength: 64))
        try long.send(Array(String(repeating: "x", count: 64).utf8))
        #expect(try long.replies().last == "500 5.5.6 Line too long")
        #expect(long.counters.snapshot.lineTooLong == 1)
        #expect(!long.channel.isActive)
    }

    @Test func malformedAndUnknownCommandsCountTowardsTheErrorLimit() throws {
        let connection = try Connection(limits: SandboxServerLimits(maximumProtocolErrors: 2))
        try connection.send(Array("EHLO c.test\r\nMAIL FROM:a@b.test\r\nXYZZY\r\nNOOP\r\n".utf8))
        let replies = try connection.replies()
        #expect(Array(replies.suffix(3)) == ["501 5.5.4 Syntax: MAIL FROM:<address> [parameters]",
                                             "500 5.5.2 Syntax error, command unrecognized",
                                             "421 4.7.0 Too many errors, closing connection"])
        #expect(connection.counters.snapshot.tooManyErrors == 1)
        #expect(!connection.channel.isActive)
    }
}
