import Foundation
import SluiceBase
import SluiceSQLite
import Testing
@testable import SluiceSuppression

@Suite struct SuppressionStoreTests {
    @Test("entries round-trip through the file, lowercased, unique per address and scope")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let store = try SuppressionStore(path: directory.database)
            try store.add([entry("Gone@Example.COM", reason: "bad-mailbox", source: "b 2026-12-05T10:11:12Z example.com/v1"),
                           entry("gone@example.com", .job("j1"), reason: "manual")])
            // The same address and scope again: replaced, not doubled.
            try store.add([entry("GONE@example.com", reason: "complaint:abuse", source: "f record", at: 1_764_930_700_000)])
        }
        let reopened = try SuppressionStore(path: directory.database)
        let entries = try reopened.entries(for: "gone@EXAMPLE.com")
        #expect(entries.count == 2)
        #expect(entries.contains(SuppressionEntry(address: "gone@example.com", scope: .global, reason: "complaint:abuse",
                                                  source: "f record", time: Instant(milliseconds: 1_764_930_700_000))))
        #expect(entries.contains(entry("gone@example.com", .job("j1"), reason: "manual")))
        #expect(try reopened.remove(address: "Gone@example.com", scope: .global))
        #expect(try !reopened.remove(address: "gone@example.com", scope: .global))
        #expect(try reopened.entries(for: "gone@example.com") == [entry("gone@example.com", .job("j1"), reason: "manual")])
    }

    @Test("global entries always apply; sender-domain and job entries only when they match; global wins")
    func scopes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SuppressionStore(path: directory.database)
        try store.add([entry("a@x.test", .senderDomain("shop.example"), reason: "sd"),
                       entry("b@x.test", .job("spring"), reason: "job"),
                       entry("c@x.test", .job("spring"), reason: "job"),
                       entry("c@x.test", .global, reason: "global"),
                       entry("d@x.test", .senderDomain("shop.example"), reason: "sd"),
                       entry("d@x.test", .job("spring"), reason: "job")])
        for ready in [false, true] {
            if ready { try store.buildFilter() }
            #expect(try store.check("a@x.test", senderDomain: "SHOP.example", jobID: nil)?.reason == "sd")
            #expect(try store.check("a@x.test", senderDomain: "other.example", jobID: "spring") == nil)
            #expect(try store.check("a@x.test", senderDomain: nil, jobID: nil) == nil)
            #expect(try store.check("b@x.test", senderDomain: "shop.example", jobID: "spring")?.reason == "job")
            #expect(try store.check("b@x.test", senderDomain: "shop.example", jobID: "autumn") == nil)
            #expect(try store.check("c@x.test", senderDomain: nil, jobID: "spring")?.reason == "global")
            #expect(try store.check("C@X.test", senderDomain: "any.example", jobID: nil)?.reason == "global")
            #expect(try store.check("d@x.test", senderDomain: "shop.example", jobID: "spring")?.reason == "sd")
            #expect(try store.check("nobody@x.test", senderDomain: "shop.example", jobID: "spring") == nil)
        }
        #expect(store.filterStatus.ready)
    }

    @Test("the filter never says no for a listed address: checks agree with the database over many random addresses")
    func filterHasNoFalseNegatives() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var generator = SplitMix64(seed: 15)
        func randomAddress() -> String {
            let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789._-")
            let local = String((0..<Int.random(in: 3...20, using: &generator)).map { _ in letters.randomElement(using: &generator)! })
            return "\(local)@d\(Int.random(in: 0..<500, using: &generator)).example"
        }
        let store = try SuppressionStore(path: directory.database)
        // Some before the build, some after through this store, some by another instance (another process).
        let before = (0..<4_000).map { _ in randomAddress() }
        try store.add(before.map { entry($0) })
        try store.buildFilter()
        let after = (0..<4_000).map { _ in randomAddress() }
        try store.add(after.map { entry($0) })
        try store.refresh()  // This store's own rows: already in the filter.
        let other = try SuppressionStore(path: directory.database)
        let elsewhere = (0..<4_000).map { "e\($0)-" + randomAddress() }
        try other.add(elsewhere.map { entry($0) })
        #expect(try store.refresh() == 4_000)
        let listed = Set(before + after + elsewhere)
        for address in listed {
            #expect(try store.check(address.uppercased(), senderDomain: nil, jobID: nil) != nil, "\(address)")
        }
        var misses = 0
        for _ in 0..<20_000 {
            let address = randomAddress()
            let checked = try store.check(address, senderDomain: nil, jobID: nil)
            #expect((checked != nil) == listed.contains(address), "\(address)")
            if checked == nil { misses += 1 }
        }
        #expect(misses > 19_000, "random addresses are rarely listed")
    }

    @Test("the filter rules out almost every unlisted address (false positives well under 1 % at capacity)")
    func falsePositiveRate() {
        var filter = AddressFilter(capacity: 100_000)
        for index in 0..<100_000 { filter.insert(AddressFilter.hash("listed\(index)@example.com")) }
        let falsePositives = (0..<100_000).count { filter.mayContain(AddressFilter.hash("other\($0)@example.com")) }
        #expect(falsePositives < 300, "\(falsePositives) false positives in 100,000")
        #expect((0..<100_000).allSatisfy { filter.mayContain(AddressFilter.hash("listed\($0)@example.com")) })
        #expect(filter.byteCount == 200_000)
    }

    @Test("another instance's additions are seen after refresh; its removals at once (the database decides)")
    func crossProcessRefresh() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let node = try SuppressionStore(path: directory.database)
        try node.add([entry("kept@example.com")])
        try node.buildFilter()
        #expect(try node.refresh() == 0, "nothing new since the build")
        let cli = try SuppressionStore(path: directory.database)
        try cli.add([entry("new@example.com", reason: "manual")])
        #expect(try node.check("new@example.com", senderDomain: nil, jobID: nil) == nil, "not in the filter yet")
        #expect(try node.refresh() == 1)
        #expect(try node.check("new@example.com", senderDomain: nil, jobID: nil)?.reason == "manual")
        #expect(try node.refresh() == 0, "the file has not changed since")
        #expect(try cli.remove(address: "kept@example.com", scope: .global))
        #expect(try node.check("kept@example.com", senderDomain: nil, jobID: nil) == nil)
        // Removed and added again by the other instance: a new row, seen again.
        try cli.add([entry("kept@example.com", reason: "again")])
        try node.refresh()
        #expect(try node.check("kept@example.com", senderDomain: nil, jobID: nil)?.reason == "again")
    }

    @Test("statistics count by scope kind and reason and name the entry added last")
    func stats() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SuppressionStore(path: directory.database)
        #expect(try store.stats() == SuppressionStats(total: 0, byScope: [:], byReason: [:], newest: nil))
        try store.add([entry("a@x.test"), entry("b@x.test", .senderDomain("s.example"), reason: "complaint:abuse"),
                       entry("c@x.test", .job("j"), reason: "manual"), entry("d@x.test", reason: "bad-domain")])
        let stats = try store.stats()
        #expect(stats.total == 4)
        #expect(stats.byScope == ["global": 2, "sender-domain": 1, "job": 1])
        #expect(stats.byReason == ["bad-mailbox": 1, "complaint:abuse": 1, "manual": 1, "bad-domain": 1])
        #expect(stats.newest == entry("d@x.test", reason: "bad-domain"))
    }

    @Test("a file that is not a database is a clear error naming it")
    func notADatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(FileManager.default.createFile(atPath: directory.database,
                                               contents: Data(String(repeating: "not a database ", count: 20).utf8)))
        #expect {
            _ = try SuppressionStore(path: directory.database)
        } throws: { error in
            (error as? SQLiteError)?.description.contains(directory.database) == true
                && (error as? SQLiteError)?.message.contains("not a database") == true
        }
        #expect(throws: SQLiteError.self) { _ = try SuppressionStore(path: directory.path + "/missing/dir/x.sqlite") }
    }
}
