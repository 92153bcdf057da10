import SluiceBase
import Synchronization
import SluiceConfig
import Testing
@testable import SluiceDNS

/// Answers from a table and counts the queries.
final class FakeQuerier: DNSQuerying {
    let table: [String: DNSQueryResult]
    private let counter = Mutex<[String: Int]>([:])

    init(_ table: [String: DNSQueryResult]) { self.table = table }

    func query(_ name: String, type: DNSRecordType) async -> DNSQueryResult {
        let key = "\(type) \(name)"
        counter.withLock { $0[key, default: 0] += 1 }
        return table[key] ?? .response(DNSPacketBuilder(rcode: 3).message)
    }

    func count(_ key: String) -> Int { counter.withLock { $0[key] ?? 0 } }
}

@Suite struct MXResolverTests {
    static func mx(_ records: [(UInt16, String)], ttl: UInt32 = 300) -> DNSQueryResult {
        var builder = DNSPacketBuilder()
        for (p, e) in records { builder.mx(p, e, ttl: ttl) }
        return .response(builder.message)
    }

    @Test func routesFromMX() async {
        let querier = FakeQuerier([
            "mx multi.test": Self.mx([(20, "backup.multi.test"), (10, "primary.multi.test")]),
            "mx nomx.test": .response(DNSPacketBuilder().message),
            "mx null.test": Self.mx([(0, "")]),
            "mx broken.test": .response(DNSPacketBuilder(rcode: 2).message),
            "mx timeout.test": .failed("timeout"),
        ])
        let clock = VirtualClock(.zero)
        let resolver = MXResolver(querier: querier, clock: clock, generator: SplitMix64(seed: 1))
        #expect(await resolver.route(for: "Multi.TEST.") == .hosts(["primary.multi.test", "backup.multi.test"]))
        #expect(await resolver.route(for: "nomx.test") == .implicitMX("nomx.test"))
        #expect(await resolver.route(for: "null.test") == .nullMX)
        #expect(await resolver.route(for: "gone.test") == .noSuchDomain)
        #expect(await resolver.route(for: "broken.test") == .temporaryFailure("MX lookup for broken.test: serverFailure"))
        #expect(await resolver.route(for: "timeout.test") == .temporaryFailure("timeout"))
    }

    @Test func cacheHonoursTTLAndSkipsFailures() async {
        let querier = FakeQuerier([
            "mx ttl.test": Self.mx([(10, "mx.ttl.test")], ttl: 60),
            "mx timeout.test": .failed("timeout"),
        ])
        let clock = VirtualClock(.zero)
        let resolver = MXResolver(querier: querier, clock: clock)
        _ = await resolver.route(for: "ttl.test")
        clock.advance(by: .seconds(59))
        _ = await resolver.route(for: "ttl.test")
        #expect(querier.count("mx ttl.test") == 1)
        clock.advance(by: .seconds(2))
        _ = await resolver.route(for: "ttl.test")
        #expect(querier.count("mx ttl.test") == 2)
        _ = await resolver.route(for: "timeout.test")
        _ = await resolver.route(for: "timeout.test")
        #expect(querier.count("mx timeout.test") == 2)
        // NXDOMAIN is cached for the negative TTL.
        _ = await resolver.route(for: "gone.test")
        _ = await resolver.route(for: "gone.test")
        #expect(querier.count("mx gone.test") == 1)
    }

    @Test func addressesWithAAAAFallbackAndFailures() async {
        var v4 = DNSPacketBuilder(questionType: 1)
        v4.a([192, 0, 2, 7])
        var v6 = DNSPacketBuilder(questionType: 28)
        v6.add(type: 28, ttl: 30, data: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [7])
        let querier = FakeQuerier([
            "a both.test": .response(v4.message), "aaaa both.test": .response(v6.message),
            "a v6only.test": .response(DNSPacketBuilder().message), "aaaa v6only.test": .response(v6.message),
            "a slow.test": .failed("timeout"), "aaaa slow.test": .response(DNSPacketBuilder().message),
        ])
        let resolver = MXResolver(querier: querier, clock: VirtualClock(.zero))
        #expect(await resolver.addresses(of: "both.test") == .addresses(["192.0.2.7", "2001:db8:0:0:0:0:0:7"]))
        #expect(await resolver.addresses(of: "v6only.test") == .addresses(["2001:db8:0:0:0:0:0:7"]))
        #expect(await resolver.addresses(of: "missing.test") == .noAddress)
        #expect(await resolver.addresses(of: "slow.test") == .temporaryFailure("timeout"))
    }
}

@Suite struct DeliveryTargetsTests {
    static func a(_ bytes: [UInt8]) -> DNSQueryResult {
        var builder = DNSPacketBuilder(questionType: 1)
        builder.a(bytes)
        return .response(builder.message)
    }
    static let empty = DNSQueryResult.response(DNSPacketBuilder().message)

    /// A fresh querier per test (they run in parallel and count queries).
    static func makeQuerier() -> FakeQuerier { FakeQuerier([
        "mx shop.test": MXResolverTests.mx([(10, "mx1.shop.test"), (20, "mx2.shop.test"), (30, "dead.shop.test")]),
        "a mx1.shop.test": a([192, 0, 2, 1]), "aaaa mx1.shop.test": empty,
        "a mx2.shop.test": a([192, 0, 2, 2]), "aaaa mx2.shop.test": empty,
        "a dead.shop.test": empty, "aaaa dead.shop.test": empty,
        "mx plain.test": empty, "a plain.test": a([192, 0, 2, 3]), "aaaa plain.test": empty,
        "mx null.test": MXResolverTests.mx([(0, "")]),
        "mx noaddr.test": MXResolverTests.mx([(10, "dead.shop.test")]),
        "mx flaky.test": MXResolverTests.mx([(10, "slow.flaky.test")]),
        "a slow.flaky.test": .failed("timeout"), "aaaa slow.flaky.test": .failed("timeout"),
        "a relay.test": a([198, 51, 100, 4]), "aaaa relay.test": empty,
    ]) }

    @Test func mxHostsInOrderWithTheirAddresses() async {
        let resolver = MXResolver(querier: Self.makeQuerier(), clock: VirtualClock(.zero))
        #expect(await resolver.targets(for: "shop.test") == .targets([
            DeliveryTarget(host: "mx1.shop.test", address: "192.0.2.1", port: 25),
            DeliveryTarget(host: "mx2.shop.test", address: "192.0.2.2", port: 25),
        ]))
        #expect(await resolver.targets(for: "plain.test") == .targets([DeliveryTarget(host: "plain.test", address: "192.0.2.3", port: 25)]))
    }

    @Test func failuresAreClassified() async {
        let resolver = MXResolver(querier: Self.makeQuerier(), clock: VirtualClock(.zero))
        #expect(await resolver.targets(for: "null.test")
                == .permanentFailure(code: 556, enhanced: "5.1.10", text: "Recipient domain null.test has a null MX (RFC 7505)"))
        guard case .permanentFailure(550, "5.1.2", _) = await resolver.targets(for: "missing.test") else {
            Issue.record("NXDOMAIN should bounce"); return
        }
        guard case .permanentFailure(550, "5.4.4", _) = await resolver.targets(for: "noaddr.test") else {
            Issue.record("no address should bounce"); return
        }
        #expect(await resolver.targets(for: "flaky.test") == .temporaryFailure("timeout"))
    }

    @Test func overridesReplaceMX() async throws {
        let querier = Self.makeQuerier()
        let resolver = MXResolver(querier: querier, clock: VirtualClock(.zero))
        let overrides = try MailHost.parseList("[127.0.0.1]:2600, relay.test:2525")
        #expect(await resolver.targets(for: "null.test", overrides: overrides) == .targets([
            DeliveryTarget(host: "127.0.0.1", address: "127.0.0.1", port: 2600),
            DeliveryTarget(host: "relay.test", address: "198.51.100.4", port: 2525),
        ]))
        #expect(querier.count("mx null.test") == 0)
    }

    /// PowerMTA's `smtp-hosts lookup-mx:DOMAIN`: that domain's MX hosts, with the given port.
    @Test func lookupMXUsesAnotherDomainsMXHosts() async throws {
        let querier = Self.makeQuerier()
        let resolver = MXResolver(querier: querier, clock: VirtualClock(.zero))
        let overrides = try MailHost.parseList("lookup-mx:shop.test")
        #expect(overrides.first?.isMXLookup == true && overrides.first?.description == "lookup-mx:shop.test")
        #expect(await resolver.targets(for: "null.test", overrides: overrides) == .targets([
            DeliveryTarget(host: "mx1.shop.test", address: "192.0.2.1", port: 25),
            DeliveryTarget(host: "mx2.shop.test", address: "192.0.2.2", port: 25),
        ]))
        #expect(querier.count("mx null.test") == 0)
        let withPort = try MailHost.parseList("lookup-mx:shop.test:2525")
        guard case .targets(let targets) = await resolver.targets(for: "x.test", overrides: withPort) else {
            Issue.record("no targets"); return
        }
        #expect(targets.map(\.port) == [2525, 2525])
        #expect(throws: ValueError.self) { try MailHost(parsing: "lookup-mx:[127.0.0.1]") }
    }
}
