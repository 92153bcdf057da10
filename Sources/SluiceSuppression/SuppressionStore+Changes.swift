import SluiceBase
import SluiceSQLite

extension SuppressionStore {
    /// The entries added or replaced after row `id`, in the order they were written.
    public struct Changes: Sendable {
        /// The entries (rows whose scope Sluice does not write are left out).
        public var entries: [SuppressionEntry]
        /// The row id of the last row read (`id` when there was none): where the next read starts.
        public var lastID: Int64
        /// The number of rows read (at most the limit asked for; fewer: nothing more for now).
        public var rowCount: Int
    }

    /// Up to `limit` rows added or replaced after row `id` (every change takes a new row id), by
    /// this process or another: what the fleet's replication pushes to Redis.
    public func changes(after id: Int64, limit: Int) throws(SQLiteError) -> Changes {
        try sqlite(reader) { connection in
            let statement = try connection.cached(SuppressionSchema.changes)
            defer { statement.reset() }
            try statement.bind(1, id)
            try statement.bind(2, Int64(max(1, limit)))
            var changes = Changes(entries: [], lastID: id, rowCount: 0)
            while try statement.step() {
                changes.lastID = statement.int64(0)
                changes.rowCount += 1
                if let entry = SuppressionSchema.entry(statement, first: 1) { changes.entries.append(entry) }
            }
            return changes
        }
    }

    /// The highest row id in the table (0 when it is empty).
    public func lastRowID() throws(SQLiteError) -> Int64 {
        try sqlite(reader) { connection in
            let statement = try connection.cached(SuppressionSchema.lastID)
            defer { statement.reset() }
            guard try statement.step() else { return 0 }
            return statement.int64(0)
        }
    }
}
