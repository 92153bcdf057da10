import CSQLite

/// A failed SQLite call: the result code and SQLite's own message (`sqlite3_errmsg`), with what
/// Sluice was doing.
public struct SQLiteError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The SQLite result code (`SQLITE_BUSY`, `SQLITE_CANTOPEN`, …; extended codes included).
    public var code: Int32
    /// SQLite's message for the failure.
    public var message: String
    /// What was being done, e.g. `open /var/spool/sluice/suppression.sqlite` or the statement's SQL.
    public var context: String

    /// Creates an error.
    public init(code: Int32, message: String, context: String) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// The error of the last call on `handle` (nil: the connection could not even be allocated).
    init(code: Int32, handle: OpaquePointer?, context: String) {
        let message = handle.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(code))
        self.init(code: code, message: message, context: context)
    }

    /// One line: the context, then SQLite's message.
    public var description: String { "\(context): \(message)" }
}
