import SluiceBase
import Testing
@testable import SluiceSMTP

@Suite struct SMTPCommandParserTests {
    private func command(_ line: String) -> SMTPCommand? {
        if case .success(let c) = SMTPCommandParser.parse(line) { return c }
        return nil
    }
    private func reply(_ line: String) -> SMTPReply? {
        if case .failure(let r) = SMTPCommandParser.parse(line) { return r }
        return nil
    }

    @Test func verbsAreCaseInsensitive() {
        #expect(command("ehlo client.example") == .ehlo("client.example"))
        #expect(command("HeLo x") == .helo("x"))
        #expect(command("quit") == .quit)
        #expect(command("NOOP anything") == .noop)
        #expect(command("StartTLS") == .startTLS)
        #expect(command("help") == .help(nil))
        #expect(command("vrfy bob") == .vrfy("bob"))
    }

    @Test func mailFromWithParameters() {
        let parsed = command("MAIL FROM:<bounce@sender.example> SIZE=1234 BODY=8bitmime RET=HDRS ENVID=abc+2Bdef")
        #expect(parsed == .mail(from: "bounce@sender.example",
                                parameters: MailParameters(size: 1234, body: .eightBitMIME, ret: .headers, envelopeID: "abc+2Bdef")))
        #expect(command("mail from:<>") == .mail(from: "", parameters: MailParameters()))
        #expect(command("MAIL FROM: <a@b.example>") == .mail(from: "a@b.example", parameters: MailParameters()))
        #expect(command("MAIL FROM:<@relay.example:a@b.example>") == .mail(from: "a@b.example", parameters: MailParameters()))
        #expect(command("MAIL FROM:<\"john doe\"@b.example>") == .mail(from: "\"john doe\"@b.example", parameters: MailParameters()))
    }

    @Test func rcptToWithDSNParameters() {
        let parsed = command("RCPT TO:<u@dest.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;u@dest.example")
        #expect(parsed == .rcpt(to: "u@dest.example",
                                parameters: RecipientParameters(notify: [.success, .failure], originalRecipient: "rfc822;u@dest.example")))
        #expect(command("RCPT TO:<u@d.example> NOTIFY=NEVER") == .rcpt(to: "u@d.example", parameters: RecipientParameters(notify: [])))
        #expect(command("RCPT TO:<Postmaster>") == .rcpt(to: "Postmaster", parameters: RecipientParameters()))
    }

    @Test func badSyntaxGetsTheRightCodes() {
        #expect(reply("FOO bar")?.code == 500)
        #expect(reply("FOO bar")?.enhancedStatus == "5.5.1")
        #expect(reply("MAIL TO:<a@b>")?.code == 501)
        #expect(reply("MAIL FROM:a@b.example")?.code == 501)
        #expect(reply("MAIL FROM:<a@b.example")?.code == 501)
        #expect(reply("MAIL FROM:<not an address>")?.enhancedStatus == "5.1.7")
        #expect(reply("RCPT TO:<>")?.enhancedStatus == "5.1.3")
        #expect(reply("RCPT TO:<a@-bad-.example>")?.enhancedStatus == "5.1.3")
        #expect(reply("RCPT TO:<a..b@x.example>")?.enhancedStatus == "5.1.3")
        #expect(reply("MAIL FROM:<a@b.example> SIZE=abc")?.code == 501)
        #expect(reply("MAIL FROM:<a@b.example> BODY=BINARYMIME")?.code == 501)
        #expect(reply("MAIL FROM:<a@b.example> SMTPUTF8")?.code == 555)
        #expect(reply("RCPT TO:<a@b.example> NOTIFY=SOMETIMES")?.code == 501)
        #expect(reply("RCPT TO:<a@b.example> XFOO=1")?.code == 555)
        #expect(reply("MAIL FROM:<a@b.example> SIZE=1 SIZE=2")?.code == 501)
        #expect(reply("HELO")?.code == 501)
        #expect(reply("DATA now")?.code == 501)
        #expect(reply("RCPT TO:<a@b.example> ORCPT=nosemicolon")?.code == 501)
        #expect(reply("MAIL FROM:<a@b.example> ENVID=a=b")?.code == 501)
    }

    @Test func addressAndParameterCharacterRules() {
        for bad in [".a@b.example", "a.@b.example", "a(b@x.example", "a b@x.example", "\u{E4}@b.example", "a@b..example",
                    "a@b.-example", "a@b.ex\u{E4}mple"] {
            #expect(reply("RCPT TO:<\(bad)>")?.enhancedStatus == "5.1.3", "\(bad)")
        }
        #expect(command("RCPT TO:<a+tag@b_c.x-y.example>") == .rcpt(to: "a+tag@b_c.x-y.example", parameters: RecipientParameters()))
        #expect(command("RCPT TO:<a@b.example> notify=never") == .rcpt(to: "a@b.example", parameters: RecipientParameters(notify: [])))
        #expect(command("MAIL FROM:<a@b.example> SIZE=0012") == .mail(from: "a@b.example", parameters: MailParameters(size: 12)))
        #expect(reply("MAIL FROM:<a@b.example> SIZE=+1")?.code == 501)
        #expect(reply("MAIL FROM:<a@b.example> X\u{E4}=1")?.code == 501)
        // Labels up to 63 characters; the keyword in any case, its colon exact; postmaster alone.
        let label63 = String(repeating: "a", count: 63)
        #expect(command("RCPT TO:<x@\(label63).example>") == .rcpt(to: "x@\(label63).example", parameters: RecipientParameters()))
        #expect(reply("RCPT TO:<x@\(label63)a.example>")?.enhancedStatus == "5.1.3")
        #expect(command("mail fRoM:<a@b.example>") == .mail(from: "a@b.example", parameters: MailParameters()))
        #expect(reply("MAIL FROM;<a@b.example>")?.code == 501)
        #expect(command("RCPT TO:<POSTMASTER>") == .rcpt(to: "POSTMASTER", parameters: RecipientParameters()))
        #expect(reply("RCPT TO:<postmastex>")?.enhancedStatus == "5.1.3")
        #expect(reply("RCPT TO:<a@b.example-> ")?.enhancedStatus == "5.1.3")
    }

    @Test func controlCharactersAndNULAreSyntaxErrors() {
        #expect(reply("MAIL FROM:<a\u{0}@b.example>")?.code == 500)
        #expect(reply("NOOP\u{0}")?.enhancedStatus == "5.5.2")
        #expect(reply("RCPT TO:<a@b.example>\r")?.code == 500)
    }

    @Test func authWithAndWithoutInitialResponse() {
        #expect(command("AUTH plain AGJvYgBwdw==") == .auth(mechanism: "PLAIN", initialResponse: "AGJvYgBwdw=="))
        #expect(command("auth login") == .auth(mechanism: "LOGIN", initialResponse: nil))
        #expect(reply("AUTH")?.code == 501)
    }

    @Test func wireTextRoundTrips() {
        let commands: [SMTPCommand] = [
            .ehlo("a.example"),
            .mail(from: "s@a.example", parameters: MailParameters(size: 10, body: .eightBitMIME, ret: .full, envelopeID: "x")),
            .rcpt(to: "r@b.example", parameters: RecipientParameters(notify: [.delay, .failure], originalRecipient: "rfc822;r@b.example")),
            .rcpt(to: "r@b.example", parameters: RecipientParameters(notify: [])),
            .data, .rset, .quit, .startTLS, .auth(mechanism: "PLAIN", initialResponse: "AAAA"),
        ]
        for c in commands {
            let line = String(c.wireText.dropLast()) // "\r\n" is one Character
            #expect(command(line) == c, "\(line)")
        }
    }
}
