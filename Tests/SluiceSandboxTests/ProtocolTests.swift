import SluiceConfig
import SluiceBase
import Testing
@testable import SluiceSandbox

@Suite("SMTP conversation and wire form")
struct ProtocolTests {
    @Test("command lines parse into events")
    func commandParsing() {
        #expect(SandboxCommand(line: "EHLO client.test\r\n") == .hello("client.test", extended: true))
        #expect(SandboxCommand(line: "helo x") == .hello("x", extended: false))
        #expect(SandboxCommand(line: "MAIL FROM:<a@b.test> SIZE=1234 BODY=8BITMIME") == .mail(from: "a@b.test"))
        #expect(SandboxCommand(line: "mail from: <>") == .mail(from: ""))
        #expect(SandboxCommand(line: "RCPT TO:<c@d.test>") == .recipient("c@d.test"))
        #expect(SandboxCommand(line: "DATA") == .data)
        #expect(SandboxCommand(line: "RSET") == .reset)
        #expect(SandboxCommand(line: "NOOP") == .noop)
        #expect(SandboxCommand(line: "QUIT") == .quit)
        #expect(SandboxCommand(line: "STARTTLS") == .unrecognized("STARTTLS"))
        #expect(SandboxCommand(line: "MAIL TO:<x@y>") == .unrecognized("MAIL TO:<x@y>"))
        #expect(SandboxCommand(line: "") == .unrecognized(""))
    }

    @Test("a whole conversation on a plain receiver")
    func conversation() throws {
        var receiver = SandboxBehaviour(profile: try profile("hostname mx.test"), seed: 0, startedAt: .zero)
        var (session, greeting) = receiver.connect(from: ip("127.0.0.9"), at: .zero)
        #expect(greeting.reply.description == "220 mx.test ESMTP ready")
        func say(_ line: String) -> String { receiver.handle(SandboxCommand(line: line), in: &session, at: .zero).description }
        #expect(say("MAIL FROM:<a@b.test>") == "503 5.5.1 EHLO/HELO first")
        #expect(say("EHLO") == "501 5.5.4 EHLO requires a domain name")
        #expect(say("EHLO c.test") == "250 mx.test at your service, [127.0.0.9] SIZE 52428800 8BITMIME PIPELINING ENHANCEDSTATUSCODES")
        #expect(say("RCPT TO:<x@y.test>") == "503 5.5.1 MAIL FROM first")
        #expect(say("DATA") == "503 5.5.1 MAIL FROM first")
        #expect(say("MAIL FROM:<a@b.test>") == "250 2.1.0 OK")
        #expect(say("MAIL FROM:<a@b.test>") == "503 5.5.1 Sender already specified")
        #expect(say("DATA") == "554 5.5.1 No valid recipients")
        #expect(say("RCPT TO:<nobody>") == "501 5.1.3 Bad recipient address syntax")
        #expect(say("RCPT TO:<x@y.test>") == "250 2.1.5 OK")
        #expect(say("DATA") == "354 Go ahead")
        #expect(receiver.handle(.endOfData(size: 100), in: &session, at: .zero).reply.description.hasPrefix("250 2.0.0 OK "))
        #expect(say("FOO") == "500 5.5.2 Syntax error, command unrecognized")
        #expect(say("NOOP") == "250 2.0.0 OK")
        let quit = receiver.handle(.quit, in: &session, at: .zero)
        #expect(quit.description == "221 2.0.0 mx.test closing connection [close]")
        #expect(session.isClosed)
        #expect(receiver.handle(.noop, in: &session, at: .zero).close)
        #expect(receiver.stats.messagesAccepted == 1 && receiver.stats.recipientsAccepted == 1 && receiver.stats.bytesAccepted == 100)
        #expect(receiver.stats.rejected[.protocolError] == 8)
    }

    @Test("random command sequences never crash and every reply is well formed")
    func randomConversations() throws {
        var random = SplitMix64(seed: 5)
        let commands: [SandboxCommand] = [
            .hello("c.test", extended: true), .hello("", extended: false), .mail(from: "a@b.test"), .mail(from: ""),
            .recipient("x@gmail.com"), .recipient("bad"), .recipient(""), .data, .endOfData(size: -5), .endOfData(size: 10),
            .reset, .noop, .quit, .unrecognized("\u{0}\u{1}"),
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
