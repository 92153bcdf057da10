import SluiceConfig
import SluiceCore

/// Writes the records of one `<acct-file>` block: ``AccountingFileWriter`` for a file,
/// ``AccountingPipeWriter`` for a program. One owner calls it, passing the current instant.
public protocol AccountingWriter: AnyObject {
    /// The `<acct-file>` block this writes.
    var configuration: AccountingFile { get }

    /// Takes `record` if the block's `records` filter accepts it; returns whether it did.
    @discardableResult
    func write(_ record: AccountingRecord, now: Instant) throws(AccountingError) -> Bool

    /// Writes what is buffered and does the periodic work; call at least once a second.
    func tick(now: Instant) throws(AccountingError)

    /// Writes what is buffered and lets go of the file or program.
    func close(now: Instant) throws(AccountingError)
}

extension AccountingFileWriter: AccountingWriter {}
