import CSQLite

/// A compiled statement of one ``SQLiteConnection``: bind the parameters (numbered from 1), step
/// through the rows, read the columns (numbered from 0), ``reset()`` to run it again.
///
/// Used on the connection's thread only. The connection is closed with `sqlite3_close_v2`, which
/// waits for its statements to be finalized, so a statement may outlive its connection object.
public final class SQLiteStatement {
    private let statement: OpaquePointer
    /// The connection's `sqlite3 *`, for error messages.
    private let database: OpaquePointer
    /// The statement's text, for errors.
    public let sql: String

    init(statement: OpaquePointer, database: OpaquePointer, sql: String) {
        self.statement = statement
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(statement) }

    /// Binds text to parameter `index` (from 1); SQLite copies it.
    public func bind(_ index: Int32, _ text: String) throws(SQLiteError) {
        let count = Int32(clamping: text.utf8.count)
        let code = text.withCString { sluice_sqlite3_bind_text(statement, index, $0, count) }
        try check(code)
    }

    /// Binds an integer to parameter `index` (from 1).
    public func bind(_ index: Int32, _ value: Int64) throws(SQLiteError) {
        try check(sqlite3_bind_int64(statement, index, value))
    }

    /// Advances to the next row: true when there is one, false when the statement is done.
    public func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(statement)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = SQLiteError(code: code, handle: database, context: sql)
            sqlite3_reset(statement)
            throw error
        }
    }

    /// Steps a statement that returns no rows to its end, then resets it for the next run.
    public func run() throws(SQLiteError) {
        defer { reset() }
        while try step() {}
    }

    /// Makes the statement ready to run again, its bindings cleared.
    public func reset() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    /// Column `index` (from 0) of the current row as text; empty for NULL.
    public func text(_ index: Int32) -> String {
        guard let bytes = sqlite3_column_text(statement, index) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, index))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// Column `index` (from 0) of the current row as an integer; 0 for NULL.
    public func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(statement, index) }

    private func check(_ code: Int32) throws(SQLiteError) {
        guard code == SQLITE_OK else { throw SQLiteError(code: code, handle: database, context: sql) }
    }
}
