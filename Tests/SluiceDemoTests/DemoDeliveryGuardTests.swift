import SluiceConfig
@testable import SluiceDemo
import Synchronization
import Testing

@Suite struct DemoDeliveryGuardTests {
    @Test func allowsLoopbackRefusesAndLogsEverythingElse() throws {
        let lines = Mutex<[String]>([])
        let refusals = DemoRefusals()
        let guardian = DemoDeliveryGuard(refusals: refusals, log: { line in lines.withLock { $0.append(line) } })
        for allowed in ["127.0.0.1", "127.0.0.12", "::1", "::ffff:127.0.0.3"] {
            #expect(guardian.allows(try #require(IPAddress(allowed))), "\(allowed)")
        }
        for refused in ["8.8.8.8", "192.0.2.1", "10.0.0.1", "2001:db8::1", "0.0.0.0"] {
            #expect(!guardian.allows(try #require(IPAddress(refused))), "\(refused)")
        }
        #expect(refusals.value == 5)
        let logged = lines.withLock { $0 }
        #expect(logged.count == 5)
        #expect(logged.first == "refused delivery to 8.8.8.8: is not a loopback address; demo mode delivers only to 127.0.0.0/8 and ::1")
    }
}
