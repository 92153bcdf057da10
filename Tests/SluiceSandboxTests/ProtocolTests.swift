import SluiceConfig
import SluiceBase
import Testing
@testable import SluiceSandbox

@Suite("SMTP conversation and wire form")
struct ProtocolTests {
    @Test("a whole conversation on a plain receiver")
    func conversation() throws {
        var receiver = SandboxBehaviour(profile: try profile("hostname mx.test"), seed: 0, startedAt: .zero)
        var (session, greeting) = receiver.connect(from: ip("127.0.0.9"), at: .zero)
        #expect(greeting.reply.description == "220 mx.test ESMTP ready")
        func say(_ command: SandboxCommand) -> String { receiver.handle(command, in: &session, at: .zero).description }
        #expect(say(.mail(from: "a@b.test")) == "503 5.5.1 EHLO/HELO first")
        #expect(say(.hello("", extended: true)) == "501 5.5.4 EHLO requires a domain name")
        #expect(say(.hello("c.test", extended: true)) == "250 mx.test at your service, [127.0.0.9] SIZE 52428800 8BITMIME PIPELINING ENHANCEDSTATUSCODES")
        #expect(say(.recipient("x@y.test")) == "503 5.5.1 MAIL FROM first")
        #expect(say(.data) == "503 5.5.1 MAIL FROM first")
        #expect(say(.mail(from: "a@b.test")) == "250 2.1.0 OK")
        #expect(say(.mail(from: "a@b.test")) == "503 5.5.1 Sender already specified")
        #expect(say(.data) == "554 5.5.1 No valid recipients")
        #expect(say(.recipient("nobody")) == "501 5.1.3 Bad recipient address syntax")
        #expect(say(.recipient("x@y.test")) == "250 2.1.5 OK")
        #expect(say(.data) == "354 Go ahead")
        #expect(receiver.handle(.endOfData(size: 100), in: &session, at: .zero).reply.description.hasPrefix("250 2.0.0 OK "))
        #expect(say(.unrecognized("FOO")) == "500 5.5.2 Syntax error, command unrecognized")
        #expect(say(.malformed(SMTPReply(555, "5.5.4", "MAIL FROM parameter X not recognized")))
                == "555 5.5.4 MAIL FROM parameter X not recognized")
        #expect(say(.noop) == "250 2.0.0 OK")
        let quit = receiver.handle(.quit, in: &session, at: .zero)
        #expect(quit.description == "221 2.0.0 mx.test closing connection [close]")
        #expect(session.isClosed)
        #expect(receiver.handle(.noop, in: &session, at: .zero).close)
        #expect(receiver.stats.messagesAccepted == 1 && receiver.stats.recipientsAccepted == 1 && receiver.stats.bytesAccepted == 100)
        #expect(receiver.stats.rejected[.protocolError] == 9)
    }

    @Test("random command sequences never crash and every reply is well formed")
    func randomConversations() throws {
        var random = SplitMix64(seed: 5)
        let commands: [SandboxCommand] = [
            .hello("c.test", extended: true), .hello("", extended: false), .mail(from: "a@b.test"), .mail(from: ""),
            .recipient("x@gmail.com"), .recipient("bad"), .recipient(""), .data, .endOfData(size: -5), .endOfData(size: 10),
            .reset, .noop, .quit, .unrecognized("\u{0}\u{1}"), .malformed(SMTPReply(501, "5.5.4", "Syntax: EHLO hostname")),
        ]
        for name in ProfileLibrary.shippedNames {
            var receiver = SandboxBehaviour(profile: try shipped(name), seed: 1, startedAt: .zero)
            var now = Instant.zero
            var (session, _) = receiver.connect(from: ip("127.0.0.9"), at: now)
            for _ in 0..<1000 {
                now = now + TimeSpan(milliseconds: Int64(random.next(below: 200)))
                if session.isClosed { (session, _) = receiver.connect(from: ip("127.0.0.9"), at: now) }
                let action = receiver.handle(commands[Int(random.next(below: UInt64(commands.count)))], in: &session, at: now)
                #expect((200...599).contains(action.reply.code))
                #expect(action.reply.wireText.hasSuffix("\r\n") && action.reply.wireText.utf8.count <= 512 * action.reply.lines.count)
                #expect(action.close == session.isClosed)
                #expect(action.delay.milliseconds >= 0)
            }
            #expect(receiver.stats.bytesAccepted >= 0)
        }
    }

    @Test("too many recipients and oversized messages are refused")
    func limits() throws {
        var receiver = SandboxBehaviour(profile: try profile(""), seed: 0, startedAt: .zero)
        var (session, _) = openSession(&receiver, from: "127.0.0.9", at: .zero)
        _ = receiver.handle(.mail(from: "a@b.test"), in: &session, at: .zero)
        for n in 0..<100 { #expect(receiver.handle(.recipient("u\(n)@y.test"), in: &session, at: .zero).reply.code == 250) }
        #expect(receiver.handle(.recipient("u100@y.test"), in: &session, at: .zero).reply.description == "452 4.5.3 Too many recipients")
        _ = receiver.handle(.data, in: &session, at: .zero)
        #expect(receiver.handle(.endOfData(size: 60_000_000), in: &session, at: .zero).reply.code == 552)
    }

    @Test("replies render on the wire with the enhanced code on every line")
    func wireText() {
        let ehlo = SMTPReply(code: 250, lines: ["mx.test", "SIZE 10", "PIPELINING"])
        #expect(ehlo.wireText == "250-mx.test\r\n250-SIZE 10\r\n250 PIPELINING\r\n")
        let deferral = SMTPReply(421, "4.7.0", "try again later")
        #expect(deferral.wireText == "421 4.7.0 try again later\r\n")
        #expect(deferral.closesConnection && deferral.severity == .transientFailure)
        #expect(SMTPReply(code: 354, lines: []).wireText == "354 \r\n")
    }

    @Test("reply templates fill in their placeholders")
    func templates() throws {
        let template = try ReplyTemplate(parsing: "550 5.1.1 <{rcpt}> has no {domain} account ({ip}, {host}, {sender}, {id})")
        let reply = template.render(ReplyContext(ip: "127.0.0.1", host: "mx.test", sender: "s@a.test", recipient: "r@B.test", id: "abc"))
        #expect(reply.description == "550 5.1.1 <r@B.test> has no b.test account (127.0.0.1, mx.test, s@a.test, abc)")
        #expect(try ReplyTemplate(parsing: "250").render(ReplyContext(ip: "", host: "")).description == "250")
    }
}

@Suite("Shared receiver and listen addresses")
struct ReceiverTests {
    @Test("a receiver shared by concurrent connections counts every one and keeps the per-IP limit")
    func concurrentConnections() async throws {
        let receiver = SandboxReceiver(profile: try shipped("gmail"), seed: 3, startedAt: .zero)
        let codes = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    var (session, _) = receiver.connect(from: ip("127.0.0.10"), at: at(1000))
                    _ = receiver.handle(.hello("c.test", extended: true), in: &session, at: at(1000))
                    return receiver.handle(.mail(from: "b@news.test"), in: &session, at: at(1000)).reply.code
                }
            }
            var out: [Int] = []
            for await code in group { out.append(code) }
            return out
        }
        #expect(codes.filter { $0 == 250 }.count == 20)
        #expect(codes.filter { $0 == 421 }.count == 180)
        #expect(receiver.stats.connections == 200)
        #expect(receiver.stats.deferred[.rateLimit] == 180)
    }

    @Test("listen addresses parse", arguments: [("127.0.0.1:2600", "127.0.0.1:2600"), ("[::1]:25", "[0:0:0:0:0:0:0:1]:25")])
    func listen(text: String, printed: String) throws {
        #expect(try ListenAddress(parsing: text).description == printed)
    }

    @Test("bad listen addresses are errors", arguments: ["127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "::1:25", "host:25", ":25", "127.0.0.1:2x"])
    func badListen(text: String) {
        #expect(throws: ValueError.self) { try ListenAddress(parsing: text) }
    }
}
