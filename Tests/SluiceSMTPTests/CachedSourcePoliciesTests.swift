import SluiceConfig
import Synchronization
import Testing
@testable import SluiceSMTP

/// The per-address policy cache of the listeners.
@Suite struct CachedSourcePoliciesTests {
    /// Counts its calls; relaying is allowed for 10.0.0.0/8 only.
    final class CountingPolicies: SourcePolicyProvider {
        let calls = Mutex([IPAddress: Int]())
        func policy(for clientAddress: IPAddress) -> SourcePolicy {
            calls.withLock { $0[clientAddress, default: 0] += 1 }
            return SourcePolicy(allowRelaying: clientAddress.description.hasPrefix("10."))
        }
    }

    @Test func eachAddressIsMatchedOnceAndKeepsItsOwnPolicy() throws {
        let provider = CountingPolicies()
        let cached = CachedSourcePolicies(provider)
        let inside = try #require(IPAddress("10.1.2.3")), outside = try #require(IPAddress("192.0.2.7"))
        for _ in 0..<5 {
            #expect(cached.policy(for: inside).allowRelaying)
            #expect(!cached.policy(for: outside).allowRelaying)
        }
        #expect(provider.calls.withLock { $0 } == [inside: 1, outside: 1])
    }

    @Test func aFullTableStartsAfresh() throws {
        let provider = CountingPolicies()
        let cached = CachedSourcePolicies(provider)
        let first = try #require(IPAddress("10.0.0.1"))
        _ = cached.policy(for: first)
        for n in 0..<CachedSourcePolicies.capacity {
            _ = cached.policy(for: try #require(IPAddress("192.0.\(n / 256).\(n % 256)")))
        }
        _ = cached.policy(for: first)
        #expect(provider.calls.withLock { $0[first] } == 2, "forgotten when the table was full, then matched again")
    }
}
