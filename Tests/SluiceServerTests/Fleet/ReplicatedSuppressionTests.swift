import SluiceBase
import SluiceRedis
@testable import SluiceServer
import SluiceSuppression
import Testing

@Suite("Suppression entries as the fleet's Redis holds them; stream ids and XINFO")
struct ReplicatedSuppressionTests {
    let time = Instant(milliseconds: 1_764_930_672_000)

    @Test("an entry round-trips through its JSON and its stream fields; taken here it says which node it came from, and is never pushed again")
    func roundTrip() throws {
        let original = SuppressionEntry(address: "reader@good.test", scope: .senderDomain("shop.test"), reason: "complaint:abuse",
                                        source: "f 2026-12-06", time: time)
        let replicated = ReplicatedSuppression(original, node: "a")
        let fromJSON = try #require(ReplicatedSuppression(json: Array(replicated.json.utf8)))
        #expect(fromJSON == replicated)
        let fields = ["op": "add", "address": replicated.address, "scope": replicated.scope, "reason": replicated.reason,
                      "source": replicated.source, "time": String(replicated.time), "node": "a"]
        #expect(ReplicatedSuppression(fields: fields) == replicated)
        #expect(ReplicatedSuppression(fields: fields.merging(["op": "remove"]) { $1 }) == nil)
        let local = try #require(replicated.localEntry)
        #expect(local.scope == .senderDomain("shop.test") && local.time == time && local.reason == "complaint:abuse")
        #expect(local.source == "fleet a: f 2026-12-06")
        #expect(ReplicatedSuppression.isFromFleet(local) && !ReplicatedSuppression.isFromFleet(original))
        var bad = replicated
        bad.address = "not an address"
        #expect(bad.localEntry == nil)
    }

    @Test("stream ids parse and order as Redis orders them")
    func streamIDs() throws {
        let a = try #require(SuppressionStreamID("1764930672000-1"))
        let b = try #require(SuppressionStreamID("1764930672000-12"))
        let c = try #require(SuppressionStreamID("1764930672001"))
        #expect(a < b && b < c && SuppressionStreamID.zero < a)
        #expect(c.description == "1764930672001-0")
        #expect(SuppressionStreamID("x-1") == nil && SuppressionStreamID("1-2-3") == nil && SuppressionStreamID("1-") == nil)
    }

    @Test("XINFO STREAM read in RESP2 and RESP3 form; an error (no stream) gives nil")
    func streamInfo() throws {
        func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }
        let flat = RESPValue.array([bulk("length"), .integer(2), bulk("last-generated-id"), bulk("1764930672000-1"),
                                    bulk("max-deleted-entry-id"), bulk("1764930671000-0")])
        let info = try #require(SuppressionStreamInfo(flat))
        #expect(info.lastGenerated.description == "1764930672000-1" && info.maxDeleted.description == "1764930671000-0")
        let map = RESPValue.map([RESPPair(key: bulk("last-generated-id"), value: bulk("5-0"))])
        #expect(SuppressionStreamInfo(map)?.lastGenerated.description == "5-0")
        #expect(SuppressionStreamInfo(map)?.maxDeleted == .zero)
        #expect(SuppressionStreamInfo(.error("ERR no such key")) == nil)
    }
}
