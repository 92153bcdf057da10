import SluiceBase
import SluiceSQLite
import Synchronization

/// The suppression list: an SQLite file of addresses not to send to, with an in-memory filter in
/// front so that checking an address that is not on the list never touches the disk.
///
/// The database is authoritative. The filter (an ``AddressFilter`` of every address in the file)
/// answers "certainly not listed" for most addresses; a "perhaps" is confirmed by an indexed
/// lookup. Until ``buildFilter()`` has run (it reads the whole table: seconds for 10,000,000
/// entries), every check goes to the database; start-up runs it on a background thread and serves
/// checks from the database meanwhile. Addresses added through this store are in the filter at
/// once; those added by another process (the `sluice suppress` commands) once ``refresh()`` has
/// seen them. A removed address stays in the filter (a false positive, confirmed absent in the
/// database) until the next build.
///
/// Every method is synchronous and thread-safe: checks and refreshes share one connection,
/// writes use another (SQLite's WAL lets them run together), each behind its own lock.
///
/// ```swift
/// let store = try SuppressionStore(path: "/var/spool/sluice/suppression.sqlite")
/// try store.add([SuppressionEntry(address: "Gone@example.com", reason: "bad-mailbox", source: "manual", time: now)])
/// try store.check("gone@example.com", senderDomain: "shop.example", jobID: nil)   // the entry
/// ```
public final class SuppressionStore: Sendable {
    /// The database file.
    public let path: String
    /// Checks, refreshes, statistics.
    let reader: SQLiteDatabase
    /// Additions, removals, imports.
    let writer: SQLiteDatabase
    let state: Mutex<FilterState>

    /// The filter and what it has seen of the table.
    struct FilterState {
        /// The filter in use; nil until the first build: checks go to the database.
        var filter: AddressFilter?
        /// A filter being built; additions go to it as well as to ``filter``.
        var building: AddressFilter?
        /// The highest row id the filter has taken.
        var lastSeenID: Int64 = 0
        /// The reader's `data_version` at the last refresh (nil: look at the rows anyway).
        var dataVersion: Int64?

        mutating func insert(_ hashes: [UInt64]) {
            for hash in hashes {
                filter?.insert(hash)
                building?.insert(hash)
            }
        }
    }

    /// Opens (creating when missing) the list at `path`.
    ///
    /// - Throws: ``SQLiteError`` naming the file (missing directory, not a database, no access).
    public init(path: String) throws(SQLiteError) {
        self.path = path
        writer = try SQLiteDatabase(path: path)
        do {
            try writer.withConnection { try $0.execute(SuppressionSchema.create) }
        } catch let error as SQLiteError {
            throw error
        } catch {
            throw SQLiteError(code: -1, message: "\(error)", context: "create the suppression table in \(path)")
        }
        reader = try SQLiteDatabase(path: path)
        state = Mutex(FilterState())
    }

    // MARK: - Checking

    /// The entry that suppresses `address` for a message from a sender in `senderDomain` (nil:
    /// the null sender) in job `jobID`, or nil when none does. Global entries apply to every
    /// message, sender-domain and job entries when they match; a global entry wins over a
    /// sender-domain one, which wins over a job one.
    public func check(_ address: String, senderDomain: String?, jobID: String?) throws(SQLiteError) -> SuppressionEntry? {
        let key = address.lowercased()
        let hash = AddressFilter.hash(key)
        guard state.withLock({ $0.filter?.mayContain(hash) ?? true }) else { return nil }
        return try Self.first(in: entries(key), senderDomain: senderDomain?.lowercased(), jobID: jobID)
    }

    /// Every entry for `address`, in any scope (the database, not the filter).
    public func entries(for address: String) throws(SQLiteError) -> [SuppressionEntry] {
        try entries(address.lowercased())
    }

    /// The entry of `entries` that applies, in order of precedence.
    static func first(in entries: [SuppressionEntry], senderDomain: String?, jobID: String?) -> SuppressionEntry? {
        let applying = entries.filter { $0.scope.applies(senderDomain: senderDomain, jobID: jobID) }
        return applying.first { $0.scope == .global } ?? applying.first { $0.scope.kind == "sender-domain" } ?? applying.first
    }

    private func entries(_ key: String) throws(SQLiteError) -> [SuppressionEntry] {
        try sqlite(reader) { connection in
            let statement = try connection.cached(SuppressionSchema.lookUp)
            defer { statement.reset() }
            try statement.bind(1, key)
            var found: [SuppressionEntry] = []
            while try statement.step() {
                if let entry = SuppressionSchema.entry(statement) { found.append(entry) }
            }
            return found
        }
    }

    // MARK: - Changing

    /// Adds `entries` in one transaction; an entry already there for the same address and scope
    /// takes the new reason, source and time. In the filter before this returns.
    public func add(_ entries: [SuppressionEntry]) throws(SQLiteError) {
        guard !entries.isEmpty else { return }
        try sqlite(writer) { connection in
            let upsert = try connection.cached(SuppressionSchema.upsert)
            try connection.transaction {
                for entry in entries {
                    try SuppressionSchema.bind(entry, to: upsert)
                    try upsert.run()
                }
            }
        }
        let hashes = entries.map { AddressFilter.hash($0.address) }
        state.withLock { $0.insert(hashes) }
    }

    /// Removes the entry for `address` in `scope`; false when there was none.
    @discardableResult
    public func remove(address: String, scope: SuppressionScope) throws(SQLiteError) -> Bool {
        try sqlite(writer) { connection in
            let delete = try connection.cached(SuppressionSchema.delete)
            try delete.bind(1, address.lowercased())
            try delete.bind(2, scope.description)
            try delete.run()
            return connection.changes > 0
        }
    }

    // MARK: - Filter

    /// How the filter stands.
    public struct FilterStatus: Hashable, Sendable {
        /// False until the first build: every check goes to the database.
        public var ready: Bool
        /// Addresses inserted (repeats included).
        public var insertions: Int
        /// The number of entries it was sized for.
        public var capacity: Int
        /// Memory it takes.
        public var bytes: Int
    }

    /// The filter in use.
    public var filterStatus: FilterStatus {
        state.withLock { state in
            FilterStatus(ready: state.filter != nil, insertions: state.filter?.insertions ?? 0,
                         capacity: state.filter?.capacity ?? 0, bytes: state.filter?.byteCount ?? 0)
        }
    }

    /// True when more addresses went into the filter than it was sized for (it then answers
    /// "perhaps" more often and checks reach the database more): time for ``buildFilter()``.
    public var filterNeedsRebuild: Bool {
        state.withLock { state in state.filter.map { $0.insertions > $0.capacity } ?? false }
    }

    /// Builds a filter of every address in the table, sized for half as many again plus 1,000,000,
    /// and puts it in use; checks keep using the previous one (or the database) meanwhile.
    /// Blocks for as long as reading the table takes: call it off the event loops, one build at a
    /// time.
    public func buildFilter() throws(SQLiteError) {
        let connection = try SQLiteConnection(path: path)
        try sqlite { () throws in
            try connection.execute("BEGIN")  // One snapshot for the count and the addresses.
            defer { try? connection.execute("COMMIT") }
            let extent = try connection.prepare(SuppressionSchema.extent)
            guard try extent.step() else { return }
            let (count, maximumID) = (Int(extent.int64(0)), extent.int64(1))
            state.withLock { $0.building = AddressFilter(capacity: count + count / 2 + 1_000_000) }
            let addresses = try connection.prepare(SuppressionSchema.addresses)
            var batch: [UInt64] = []
            batch.reserveCapacity(65_536)
            while try addresses.step() {
                batch.append(AddressFilter.hash(addresses.text(0)))
                if batch.count == 65_536 {
                    state.withLock { state in for hash in batch { state.building?.insert(hash) } }
                    batch.removeAll(keepingCapacity: true)
                }
            }
            state.withLock { state in
                for hash in batch { state.building?.insert(hash) }
                if state.filter == nil {
                    state.lastSeenID = maximumID
                    state.dataVersion = nil
                } else {
                    state.lastSeenID = max(state.lastSeenID, maximumID)
                }
                state.filter = state.building
                state.building = nil
            }
        }
    }

    /// Takes into the filter the addresses another process (or this one's writer) added since the
    /// last refresh; nothing to do, and only one `PRAGMA data_version` read, when the file has not
    /// changed. Returns the number of rows taken. Before the first ``buildFilter()`` there is no
    /// filter to feed and checks read the database anyway: nothing is read.
    @discardableResult
    public func refresh() throws(SQLiteError) -> Int {
        let (known, lastSeen, active) = state.withLock { ($0.dataVersion, $0.lastSeenID, $0.filter != nil) }
        guard active else { return 0 }
        return try sqlite(reader) { connection in
            let version = try connection.dataVersion()
            guard version != known else { return 0 }
            let since = try connection.cached(SuppressionSchema.since)
            defer { since.reset() }
            try since.bind(1, lastSeen)
            var hashes: [UInt64] = []
            var highest = lastSeen
            while try since.step() {
                highest = since.int64(0)
                hashes.append(AddressFilter.hash(since.text(1)))
            }
            state.withLock { state in
                state.insert(hashes)
                state.lastSeenID = max(state.lastSeenID, highest)
                state.dataVersion = version
            }
            return hashes.count
        }
    }

    // MARK: - Statistics

    /// Counts by scope kind and by reason, and the entry added last.
    public func stats() throws(SQLiteError) -> SuppressionStats {
        try sqlite(reader) { connection in
            let counts = try connection.prepare(SuppressionSchema.countsByScopeAndReason)
            var stats = SuppressionStats(total: 0, byScope: [:], byReason: [:], newest: nil)
            while try counts.step() {
                let count = Int(counts.int64(2))
                stats.total += count
                stats.byScope[counts.text(0), default: 0] += count
                stats.byReason[counts.text(1), default: 0] += count
            }
            let newest = try connection.prepare(SuppressionSchema.newest)
            if try newest.step() { stats.newest = SuppressionSchema.entry(newest) }
            return stats
        }
    }

    // MARK: - Errors

    /// Runs `body` on `database`'s connection, with its errors as ``SQLiteError``.
    func sqlite<Result: Sendable>(_ database: SQLiteDatabase,
                                  _ body: (SQLiteConnection) throws -> Result) throws(SQLiteError) -> Result {
        try sqlite { () throws -> Result in try database.withConnection(body) }
    }

    /// Runs `body`, its errors as ``SQLiteError`` (the only errors the wrapper throws).
    func sqlite<Result>(_ body: () throws -> Result) throws(SQLiteError) -> Result {
        do { return try body() } catch let error as SQLiteError { throw error } catch {
            throw SQLiteError(code: -1, message: "\(error)", context: path)
        }
    }
}
