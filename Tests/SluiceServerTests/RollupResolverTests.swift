import SluiceConfig
import SluiceCore
import SluiceDNS
import Testing
@testable import SluiceServer

/// ``RollupResolver``: MX host names for `<mx-rollup-list>` routing, cached by the node's clock,
/// each wait bounded.
@Suite("Rollup MX lookups")
struct RollupResolverTests {
    func resolver(_ dns: ScriptedMX, clock: VirtualClock, timeout: TimeSpan = .seconds(5)) -> RollupResolver {
        RollupResolver(resolver: MXResolver(querier: dns, clock: clock), clock: clock, timeout: timeout)
    }

    @Test("an answer (and a nonexistent domain) is kept for an hour of the node's clock, then looked up again")
    func cachesByTheNodeClock() async {
        let clock = VirtualClock()
        let dns = ScriptedMX(["a.test": ["mx1.rollup-mx.test", "mx2.rollup-mx.test"]])
        let rollups = resolver(dns, clock: clock)
        // Equal-preference MX hosts come in random order (RFC 5321 §5.1): compare them as a set.
        let first = await rollups.exchanges(of: ["a.test", "nx.test"]).mapValues { Set($0) }
        #expect(first == ["a.test": ["mx1.rollup-mx.test", "mx2.rollup-mx.test"], "nx.test": []])
        clock.advance(by: .minutes(59))
        #expect(await rollups.exchanges(of: ["a.test", "nx.test"])["a.test"]?.count == 2)
        #expect(dns.queries.sorted() == ["a.test", "nx.test"])
        clock.advance(by: .minutes(2))
        #expect(await rollups.exchanges(of: ["a.test"])["a.test"]?.count == 2)
        #expect(dns.queries.filter { $0 == "a.test" }.count == 2)
    }

    @Test("a lookup slower than the timeout gives no MX hosts; callers share it, and its late answer serves the next caller")
    func slowLookupIsBounded() async throws {
        let clock = VirtualClock()
        let dns = ScriptedMX(["slow.test": ["mx.rollup-mx.test"]], held: ["slow.test"])
        let rollups = resolver(dns, clock: clock, timeout: TimeSpan(milliseconds: 200))
        async let first = rollups.exchanges(of: ["slow.test"])
        async let second = rollups.exchanges(of: ["slow.test"])
        // Both callers wait on the node's clock; moving it past the timeout ends both waits.
        await clock.waitForSleepers(2)
        clock.advance(by: TimeSpan(milliseconds: 200))
        #expect(await first == ["slow.test": []])
        #expect(await second == ["slow.test": []])
        #expect(dns.queries == ["slow.test"])
        dns.release()
        try await waitUntil("the late answer cached") {
            await rollups.exchanges(of: ["slow.test"]) == ["slow.test": ["mx.rollup-mx.test"]]
        }
        #expect(dns.queries == ["slow.test"])
    }

    @Test("a failed lookup counts as no MX hosts for a minute, then is tried again")
    func failureIsRetried() async {
        let clock = VirtualClock()
        let dns = ScriptedMX([:], failing: ["flaky.test"])
        let rollups = resolver(dns, clock: clock)
        #expect(await rollups.exchanges(of: ["flaky.test"]) == ["flaky.test": []])
        #expect(await rollups.exchanges(of: ["flaky.test"]) == ["flaky.test": []])
        #expect(dns.queries.count == 1)
        clock.advance(by: .seconds(61))
        _ = await rollups.exchanges(of: ["flaky.test"])
        #expect(dns.queries.count == 2)
    }
}
