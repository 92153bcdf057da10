import SluiceConfig
import SluiceCore

/// Every `<acct-file>` of a configuration: each record goes to the files whose `records` filter
/// accepts it. Like ``AccountingFileWriter``, it has one owner that passes the current instant.
public final class AccountingLog {
    /// One writer per `<acct-file>` block, in configuration order.
    public let writers: [AccountingFileWriter]

    /// Creates writers for `files` (for example `ConfigModel.acctFiles`).
    public init(files: [AccountingFile]) {
        writers = files.map(AccountingFileWriter.init)
    }

    /// Writes `record` to every file that takes its type. Every writer is tried; the first error
    /// is thrown afterwards (the failed writers keep the row buffered).
    public func write(_ record: AccountingRecord, now: Instant) throws(AccountingError) {
        try each { (writer) throws(AccountingError) in _ = try writer.write(record, now: now) }
    }

    /// Flushes and rotates every file; call at least once a second.
    public func tick(now: Instant) throws(AccountingError) {
        try each { (writer) throws(AccountingError) in try writer.tick(now: now) }
    }

    /// Flushes and closes every file.
    public func close(now: Instant) throws(AccountingError) {
        try each { (writer) throws(AccountingError) in try writer.close(now: now) }
    }

    private func each(_ body: (AccountingFileWriter) throws(AccountingError) -> Void) throws(AccountingError) {
        var failure: AccountingError?
        for writer in writers {
            do { try body(writer) } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
    }
}
