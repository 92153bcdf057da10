import Synchronization

/// An ``SQLiteConnection`` that any thread may use: calls are serialised by a lock, so one
/// ``withConnection(_:)`` runs at a time. Open several for work that must not wait for each
/// other (a reader next to a writer); WAL lets them run together.
public final class SQLiteDatabase: Sendable {
    private let connection: Mutex<SQLiteConnection>
    /// The file.
    public let path: String

    /// Opens the database at `path` as ``SQLiteConnection/init(path:busyTimeout:readOnly:)`` does.
    public init(path: String, busyTimeout: Duration = .seconds(5), readOnly: Bool = false) throws(SQLiteError) {
        connection = Mutex(try SQLiteConnection(path: path, busyTimeout: busyTimeout, readOnly: readOnly))
        self.path = path
    }

    /// Runs `body` with the connection, holding the lock; statements prepared in `body` must not
    /// escape it.
    public func withConnection<Result: Sendable>(_ body: (SQLiteConnection) throws -> Result) throws -> Result {
        try connection.withLock { connection in try body(connection) }
    }
}
