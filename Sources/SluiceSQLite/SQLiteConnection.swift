import CSQLite

/// One connection to an SQLite database file, opened in WAL mode with a busy timeout, so that
/// readers never wait for a writer and a writer waits (rather than fails) while another process
/// writes.
///
/// Not thread-safe by itself (opened with `SQLITE_OPEN_NOMUTEX`): one thread uses it at a time.
/// ``SQLiteDatabase`` is the `Sendable` form, a connection behind a lock.
///
/// ```swift
/// let connection = try SQLiteConnection(path: "/tmp/x.sqlite")
/// try connection.execute("CREATE TABLE IF NOT EXISTS t (a TEXT)")
/// let insert = try connection.prepare("INSERT INTO t (a) VALUES (?)")
/// try connection.transaction {
///     try insert.bind(1, "one")
///     try insert.run()
/// }
/// ```
public final class SQLiteConnection {
    /// The `sqlite3 *` handle.
    let handle: OpaquePointer
    /// The file, for messages.
    public let path: String
    /// Statements of ``cached(_:)`` by their text.
    private var cache: [String: SQLiteStatement] = [:]

    /// Opens (creating it when missing) the database at `path`, switches it to WAL and sets the
    /// busy timeout.
    ///
    /// - Parameters:
    ///   - busyTimeout: how long a statement waits for another connection's lock before failing
    ///     with `SQLITE_BUSY`.
    ///   - readOnly: open without write access (the file must exist).
    /// - Throws: ``SQLiteError`` naming the file.
    public init(path: String, busyTimeout: Duration = .seconds(5), readOnly: Bool = false) throws(SQLiteError) {
        var handle: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let opened = handle else {
            let error = SQLiteError(code: code, handle: handle, context: "open \(path)")
            sqlite3_close_v2(handle)
            throw error
        }
        self.handle = opened
        self.path = path
        sqlite3_extended_result_codes(opened, 1)
        let milliseconds = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(opened, Int32(clamping: milliseconds))
        guard !readOnly else { return }
        do {
            try execute("PRAGMA journal_mode=WAL")
            // In WAL mode NORMAL loses at most the last transactions on a power failure, never the file.
            try execute("PRAGMA synchronous=NORMAL")
        } catch {
            throw SQLiteError(code: error.code, message: error.message, context: "open \(path)")
        }
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs `sql` (one or more statements separated by `;`), discarding any rows.
    public func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        guard code == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(message)
            throw SQLiteError(code: code, message: text, context: sql)
        }
    }

    /// Compiles one statement.
    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw SQLiteError(code: code, handle: handle, context: sql) }
        return SQLiteStatement(statement: statement, database: handle, sql: sql)
    }

    /// The statement for `sql`, compiled on first use and kept for the connection's life (for
    /// statements run often, such as a lookup per SMTP recipient). Reset and ready to bind.
    public func cached(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let statement = cache[sql] {
            statement.reset()
            return statement
        }
        let statement = try prepare(sql)
        cache[sql] = statement
        return statement
    }

    /// Runs `body` in one transaction (`BEGIN IMMEDIATE`: the write lock is taken at the start, so
    /// two writers wait for each other through the busy timeout instead of failing half-way).
    /// Committed when `body` returns, rolled back when it throws (and the error rethrown).
    public func transaction<Result>(_ body: () throws -> Result) throws -> Result {
        try execute("BEGIN IMMEDIATE")
        let result: Result
        do { result = try body() } catch {
            try? execute("ROLLBACK")
            throw error
        }
        try execute("COMMIT")
        return result
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// The row id of the last row this connection inserted.
    public var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// `PRAGMA data_version`: a number that changes when another connection (in this process or
    /// another) commits a change to the file, and never for this connection's own changes.
    public func dataVersion() throws(SQLiteError) -> Int64 {
        let statement = try cached("PRAGMA data_version")
        guard try statement.step() else { return 0 }
        defer { statement.reset() }
        return statement.int64(0)
    }
}
