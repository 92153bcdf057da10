import SluiceBase
import SluiceConfig
import Testing
@testable import SluiceSandbox

@Suite("Sandbox: a source listed on a blocklist is refused")
struct RefusedSourceTests {
    @Test("after refuseSource, MAIL from that address gets 550 5.7.1 naming the list; other addresses are unaffected")
    func refusedAtMail() throws {
        var gmail = SandboxBehaviour(profile: try shipped("gmail"), seed: 7, startedAt: .zero)
        var (before, _) = openSession(&gmail, from: "127.0.0.12", at: at(1_000))
        #expect(gmail.handle(.mail(from: "b@news.test"), in: &before, at: at(1_000)).reply.code == 250)

        gmail.refuseSource(ip("127.0.0.12"), naming: "dnsbl.sandbox.test")
        var (listed, _) = openSession(&gmail, from: "127.0.0.12", at: at(2_000))
        let refused = gmail.handle(.mail(from: "b@news.test"), in: &listed, at: at(2_000))
        #expect(refused.reply.code == 550 && refused.reply.enhancedStatus == "5.7.1")
        #expect(refused.reply.description.contains("[127.0.0.12]") && refused.reply.description.contains("dnsbl.sandbox.test"))
        #expect(refused.outcome == .rejected(.policy))
        var (other, _) = openSession(&gmail, from: "127.0.0.11", at: at(2_000))
        #expect(gmail.handle(.mail(from: "b@news.test"), in: &other, at: at(2_000)).reply.code == 250)
    }
}
