import SluiceConfig
import SluiceCore

/// Every `<acct-file>` of a configuration: each record goes to the files and programs whose
/// `records` filter accepts it. Like ``AccountingFileWriter``, it has one owner that passes the
/// current instant.
public final class AccountingLog {
    /// One writer per `<acct-file>` block, in configuration order: an ``AccountingFileWriter``
    /// for a path, an ``AccountingPipeWriter`` for `|program`.
    public let writers: [any AccountingWriter]

    /// Creates writers for `files` (for example `ConfigModel.acctFiles`); a pipe keeps at most
    /// `pipeBufferLimit` records while its program is not reading.
    public init(files: [AccountingFile], pipeBufferLimit: Int = AccountingPipeWriter.defaultBufferLimit) {
        writers = files.map { file -> any AccountingWriter in
            switch file.target {
            case .file: return AccountingFileWriter(file)
            case .pipe: return AccountingPipeWriter(file, bufferLimit: pipeBufferLimit)
            }
        }
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

    /// Flushes and closes every file, and ends every program.
    public func close(now: Instant) throws(AccountingError) {
        try each { (writer) throws(AccountingError) in try writer.close(now: now) }
    }

    private func each(_ body: (any AccountingWriter) throws(AccountingError) -> Void) throws(AccountingError) {
        var failure: AccountingError?
        for writer in writers {
            do { try body(writer) } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
    }
}
