import SluiceBase
import Testing
@testable import SluiceDNS

@Suite struct DNSMessageTests {
    @Test func parsesMXWithCompressionAndTTL() throws {
        var builder = DNSPacketBuilder()
        builder.mx(10, "mx1.example.test", ttl: 120)
        // An exchange that points back into the question name: "mx2" + pointer to example.test.
        builder.add(type: 15, ttl: 60, data: DNSPacketBuilder.u16(20) + [3] + Array("mx2".utf8) + [0xC0, 12])
        builder.a([192, 0, 2, 1])
        builder.add(type: 28, ttl: 30, data: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1])
        let message = try DNSMessage(parsing: builder.bytes)
        #expect(message.responseCode == .noError)
        #expect(message.answers == [.mx(preference: 10, exchange: "mx1.example.test", ttl: 120),
                                    .mx(preference: 20, exchange: "mx2.example.test", ttl: 60),
                                    .a("192.0.2.1", ttl: 300), .aaaa("2001:db8:0:0:0:0:0:1", ttl: 30)])
    }

    @Test func nullMXAndResponseCodes() throws {
        var builder = DNSPacketBuilder()
        builder.mx(0, "")
        #expect(try DNSMessage(parsing: builder.bytes).answers == [.mx(preference: 0, exchange: "", ttl: 300)])
        var missing = DNSPacketBuilder()
        missing.rcode = 3
        #expect(try DNSMessage(parsing: missing.bytes).responseCode == .nameError)
        missing.rcode = 2
        #expect(try DNSMessage(parsing: missing.bytes).responseCode == .serverFailure)
    }

    @Test func hostileMessagesAreRejected() {
        #expect(throws: DNSMessage.Malformed.self) { try DNSMessage(parsing: [1, 2, 3]) }
        var builder = DNSPacketBuilder()
        builder.mx(10, "mx.example.test")
        let bytes = builder.bytes
        #expect(throws: DNSMessage.Malformed.self) { try DNSMessage(parsing: Array(bytes.dropLast(5))) }
        // A pointer to itself.
        var loop = DNSPacketBuilder()
        loop.add(type: 15, ttl: 1, data: DNSPacketBuilder.u16(1) + [0xC0, 0])
        var looped = loop.bytes
        let pointerAt = looped.count - 2
        looped[pointerAt] = 0xC0 | UInt8(pointerAt >> 8)
        looped[pointerAt + 1] = UInt8(pointerAt & 0xff)
        #expect(throws: DNSMessage.Malformed.self) { try DNSMessage(parsing: looped) }
    }
}

@Suite struct MXOrderingTests {
    @Test func preferenceOrderWithEqualPreferencesShuffled() {
        let records: [(preference: UInt16, exchange: String)] = [
            (20, "b1"), (10, "a1"), (20, "b2"), (10, "a2"), (30, "c"), (20, "b3"), (40, "a1"),
        ]
        var seen = Set<[String]>()
        for seed in 0..<40 {
            var generator = SplitMix64(seed: UInt64(seed))
            let order = MXOrdering.order(records, using: &generator)
            #expect(Set(order.prefix(2)) == ["a1", "a2"])
            #expect(Set(order[2..<5]) == ["b1", "b2", "b3"])
            #expect(order.last == "c")
            #expect(order.count == 6)
            seen.insert(order)
        }
        #expect(seen.count > 1)
    }
}
