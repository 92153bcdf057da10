import SluiceConfig
import SluiceCore
import Testing

/// `cold-virtual-mta` and `max-cold-virtual-mta-msg` at the choice of a pool member.
@Suite("Cold pool members")
struct ColdPoolTests {
    static let configuration = """
        <virtual-mta warm1>
        </virtual-mta>
        <virtual-mta warm2>
        </virtual-mta>
        <virtual-mta cold1>
        </virtual-mta>
        <virtual-mta-pool mixed>
            virtual-mta warm1
            virtual-mta warm2
            cold-virtual-mta cold1
            <domain gmail.com>
                max-cold-virtual-mta-msg 5/day
            </domain>
        </virtual-mta-pool>
        <domain *>
            max-cold-virtual-mta-msg 2/day
        </domain>
        """

    static func engine() throws -> DeliveryEngine {
        let loaded = ConfigLoader.load(text: configuration, fileName: "t.conf")
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
        return DeliveryEngine(configuration: loaded.model)
    }

    /// The members chosen for `count` messages to `recipients` at `now`.
    static func choices(_ engine: inout DeliveryEngine, _ count: Int, to recipients: [String],
                        at now: Instant) throws -> [String: Int] {
        var chosen: [String: Int] = [:]
        for _ in 0..<count {
            chosen[try engine.chooseVirtualMTA(for: InjectionRoute(defaultVMTA: "mixed"), recipients: recipients, now: now),
                   default: 0] += 1
        }
        return chosen
    }

    @Test("the cold member gets at most N a day per domain, the warm members the rest, and again the next day")
    func coldCapPerDomainPerDay() throws {
        var e = try Self.engine()
        let day1 = Instant(milliseconds: 1_767_225_600_000), day2 = day1 + .hours(24)
        let gmail = try Self.choices(&e, 60, to: ["a@gmail.com"], at: day1)
        #expect(gmail["cold1"] == 5)
        #expect(gmail["warm1", default: 0] + gmail["warm2", default: 0] == 55)
        #expect(abs(gmail["warm1", default: 0] - gmail["warm2", default: 0]) <= 1)
        // Another domain has its own count (the global <domain *> cap).
        let yahoo = try Self.choices(&e, 30, to: ["b@yahoo.com"], at: day1 + .hours(1))
        #expect(yahoo["cold1"] == 2)
        // A message to two domains needs room in each, and counts in each.
        #expect(try Self.choices(&e, 6, to: ["a@hotmail.test", "c@other.test"], at: day1 + .hours(2))["cold1"] == 2)
        #expect(try Self.choices(&e, 6, to: ["d@other.test"], at: day1 + .hours(2))["cold1"] == nil)
        #expect(try Self.choices(&e, 6, to: ["a@gmail.com", "d@third.test"], at: day1 + .hours(2))["cold1"] == nil)
        // The next UTC day starts afresh.
        #expect(try Self.choices(&e, 60, to: ["a@gmail.com"], at: day2)["cold1"] == 5)
    }

    @Test("the counts are part of the ledger and come back after a restart the same day")
    func countsSurviveARestart() throws {
        var e = try Self.engine()
        let now = Instant(milliseconds: 1_767_225_600_000)
        #expect(try Self.choices(&e, 9, to: ["a@gmail.com"], at: now)["cold1"] == 3)
        var restarted = try Self.engine()
        _ = restarted.restoreWarmup(e.warmupLedger, now: now + .hours(1))
        #expect(try Self.choices(&restarted, 30, to: ["a@gmail.com"], at: now + .hours(1))["cold1"] == 2)
    }
}
