import SluiceBase
import SluiceSQLite

/// The suppression list's table and statements.
///
/// `id` only grows (AUTOINCREMENT never reuses one), so "rows added since the last look" is
/// `id > last seen`: how ``SuppressionStore/refresh()`` finds another process's additions.
/// `scope` is the written form of ``SuppressionScope``; `time_ms` is milliseconds since 1970.
enum SuppressionSchema {
    static let create = """
        CREATE TABLE IF NOT EXISTS suppression (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            address TEXT NOT NULL,
            scope TEXT NOT NULL,
            reason TEXT NOT NULL,
            source TEXT NOT NULL,
            time_ms INTEGER NOT NULL,
            UNIQUE (address, scope)
        )
        """
    static let columns = "address, scope, reason, source, time_ms"
    /// Adds an entry, or replaces the one already there for the address and scope. A replaced
    /// entry takes a new `id`, so that every change is a row "added since the last look" (what
    /// the fleet's replication reads, ``SuppressionStore/changes(after:limit:)``).
    static let upsert = "INSERT OR REPLACE INTO suppression (\(columns)) VALUES (?, ?, ?, ?, ?)"
    static let lookUp = "SELECT \(columns) FROM suppression WHERE address = ?"
    static let delete = "DELETE FROM suppression WHERE address = ? AND scope = ?"
    static let since = "SELECT id, address FROM suppression WHERE id > ? ORDER BY id"
    static let changes = "SELECT id, \(columns) FROM suppression WHERE id > ? ORDER BY id LIMIT ?"
    static let lastID = "SELECT coalesce(max(id), 0) FROM suppression"
    static let all = "SELECT \(columns) FROM suppression ORDER BY id"
    static let extent = "SELECT count(*), coalesce(max(id), 0) FROM suppression"
    static let addresses = "SELECT address FROM suppression"
    static let newest = "SELECT \(columns) FROM suppression ORDER BY id DESC LIMIT 1"
    static let countsByScopeAndReason = """
        SELECT CASE WHEN scope = 'global' THEN 'global' WHEN scope LIKE 'job:%' THEN 'job' ELSE 'sender-domain' END,
               reason, count(*) FROM suppression GROUP BY 1, 2
        """

    /// Binds `entry` to ``upsert``'s parameters.
    static func bind(_ entry: SuppressionEntry, to statement: SQLiteStatement) throws(SQLiteError) {
        try statement.bind(1, entry.address)
        try statement.bind(2, entry.scope.description)
        try statement.bind(3, entry.reason)
        try statement.bind(4, entry.source)
        try statement.bind(5, entry.time.milliseconds)
    }

    /// The entry in the current row of a statement selecting ``columns`` (from column `first`);
    /// nil for a row whose scope is not one Sluice writes (the file edited by hand).
    static func entry(_ statement: SQLiteStatement, first: Int32 = 0) -> SuppressionEntry? {
        guard let scope = SuppressionScope(statement.text(first + 1)) else { return nil }
        return SuppressionEntry(address: statement.text(first), scope: scope, reason: statement.text(first + 2),
                                source: statement.text(first + 3), time: Instant(milliseconds: statement.int64(first + 4)))
    }
}
