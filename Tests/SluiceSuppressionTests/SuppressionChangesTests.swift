import SluiceBase
import Testing
@testable import SluiceSuppression

@Suite("The file's changes in row order, what the fleet's replica pushes")
struct SuppressionChangesTests {
    @Test("every addition and replacement takes a new row: read after a row, in pages, the last row id says where to go on")
    func changesAfterARow() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SuppressionStore(path: dir.database)
        #expect(try store.lastRowID() == 0)
        try store.add([entry("a@x.test"), entry("b@x.test", .senderDomain("shop.test"))])
        let start = try store.lastRowID()
        #expect(start >= 2)
        try store.add([entry("c@x.test", reason: "complaint:abuse")])
        // Replacing an entry (same address and scope, newer) is a change too.
        try store.add([entry("a@x.test", reason: "complaint:abuse", at: 1_764_930_673_000)])

        let first = try store.changes(after: start, limit: 1)
        #expect(first.rowCount == 1 && first.entries.map(\.address) == ["c@x.test"])
        let rest = try store.changes(after: first.lastID, limit: 10)
        #expect(rest.rowCount == 1 && rest.entries.map(\.address) == ["a@x.test"])
        #expect(rest.entries.first?.reason == "complaint:abuse")
        #expect(rest.lastID == (try store.lastRowID()))
        let none = try store.changes(after: rest.lastID, limit: 10)
        #expect(none.rowCount == 0 && none.entries.isEmpty && none.lastID == rest.lastID)
        #expect(try store.entries(for: "a@x.test").count == 1, "replaced, not duplicated")
    }
}
