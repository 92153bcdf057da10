import SluiceConfig
import Testing
@testable import SluiceSandbox

@Suite("Loopback guard")
struct LoopbackGuardTests {
    let guardian = LoopbackGuard(mode: "demo")

    @Test("loopback destinations are allowed", arguments: ["127.0.0.1", "127.0.0.10", "127.255.255.254", "::1", "[127.0.0.5]",
                                                          "[IPv6:::1]", "localhost", "LOCALHOST.", "::ffff:127.0.0.2"])
    func allowed(host: String) {
        #expect(guardian.check(host: host).isAllowed, "\(host)")
    }

    @Test("anything else is refused with a reason to log", arguments: ["8.8.8.8", "128.0.0.1", "126.255.255.255", "10.0.0.1",
                                                                      "::2", "2001:db8::1", "::ffff:8.8.8.8", "gmail-smtp-in.l.google.com",
                                                                      "127.0.0.1.evil.test", "", "[8.8.8.8]"])
    func refused(host: String) {
        let decision = guardian.check(host: host)
        guard case .refuse(let address, let reason) = decision else {
            Issue.record("\(host) was allowed")
            return
        }
        #expect(address == host)
        #expect(reason.hasPrefix("refused delivery to "))
        #expect(reason.hasSuffix("demo mode delivers only to 127.0.0.0/8 and ::1"))
    }

    @Test("addresses are checked directly too")
    func addresses() throws {
        #expect(guardian.check(try #require(IPAddress("127.1.2.3"))) == .allow(try #require(IPAddress("127.1.2.3"))))
        #expect(!guardian.check(try #require(IPAddress("192.168.1.1"))).isAllowed)
    }
}
