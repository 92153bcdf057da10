import Foundation
import Glibc
import SluiceBase

/// The durable spool: every accepted message is on disk, synced, before `accept` returns, so a
/// 250 reply is never a lie; delivery progress is logged so that after a crash only undelivered
/// recipients are retried. Concurrent `accept` and `record` calls share writes and syncs (group
/// commit). Layout and recovery rules: docs/spool.md.
///
/// Call `close()` before dropping the last reference: it drains queued writes and stops the
/// writer thread.
public final class Spool: Sendable {
    /// The spool directory.
    public let directory: String
    private let options: SpoolOptions
    private let log: SegmentLog
    private let controls: ControlStore
    private let lock: DirectoryLock

    private init(directory: String, options: SpoolOptions, log: SegmentLog, controls: ControlStore, lock: DirectoryLock) {
        self.directory = directory
        self.options = options
        self.log = log
        self.controls = controls
        self.lock = lock
    }

    /// Opens (creating if needed) the spool at `directory`, rebuilds its state and takes an
    /// exclusive lock on it. Damaged records are skipped and reported in the report's warnings;
    /// segments holding only finished messages are deleted.
    public static func open(directory: String, options: SpoolOptions = SpoolOptions()) throws -> (Spool, RecoveryReport) {
        let layout = SpoolLayout(root: directory)
        try POSIX.makeDirectory(directory)
        try POSIX.makeDirectory(layout.segmentsDirectory)
        try POSIX.makeDirectory(layout.controlsDirectory)
        let lock = try DirectoryLock(path: layout.lockFile, directory: directory)
        let recovery = try SpoolRecovery(layout: layout)
        let log = try SegmentLog(layout: layout, options: options, recovery: recovery)
        let spool = Spool(directory: directory, options: options, log: log,
                          controls: ControlStore(directory: layout.controlsDirectory), lock: lock)
        return (spool, recovery.report())
    }

    /// Reads the spool at `directory` without modifying it or taking its lock (for
    /// `sluice spool stats`, also while a daemon runs).
    public static func inspect(directory: String) throws -> SpoolInspection {
        guard POSIX.isDirectory(directory) else { throw SpoolError.io(operation: "open", path: directory, errno: ENOENT) }
        let recovery = try SpoolRecovery(layout: SpoolLayout(root: directory))
        return SpoolInspection(directory: directory, statistics: SpoolStatistics(index: recovery.index, diskBytes: recovery.bytesScanned),
                               warnings: recovery.warnings, nextMessageID: MessageID(recovery.nextMessageID))
    }

    /// Stores a message durably and returns its id; the record is synced to disk before this
    /// returns. Throws `SpoolError.insufficientSpace` when free space is below the configured
    /// minimum or the file system is full (answer `452 4.3.1`), `SpoolError.closed` after
    /// `close()`.
    public func accept(_ envelope: SpoolEnvelope, content: [UInt8]) async throws -> MessageID {
        if let minimum = options.minimumFreeSpace, let free = options.freeSpaceProbe(directory), free < minimum.bytes {
            throw SpoolError.insufficientSpace(freeBytes: free, minimumBytes: minimum.bytes)
        }
        guard content.count <= RecordFrame.maximumPayload / 2 else { throw SpoolError.tooLarge(bytes: content.count) }
        guard envelope.recipients.count <= Int(MessageRecord.countMask) else { throw SpoolError.tooLarge(bytes: content.count) }
        let id = try log.allocateID()
        let states = Array(repeating: RecipientState(), count: envelope.recipients.count)
        let record = content.withUnsafeBytes {
            MessageRecord.encode(id: id, envelope: envelope, states: states, content: $0)
        }
        guard record.count - RecordFrame.headerSize <= RecordFrame.maximumPayload else {
            throw SpoolError.tooLarge(bytes: record.count)
        }
        do {
            return try await withCheckedThrowingContinuation { continuation in
                log.enqueue(.message(id: id, record: record, contentSize: content.count, receivedAt: envelope.receivedAt,
                                     recipients: envelope.recipients.count, continuation: continuation))
            }
        } catch SpoolError.io(_, _, let code) where code == ENOSPC || code == EDQUOT {
            // The file system filled up before the minimum was reached (or none is set): the same
            // temporary refusal, and the next message is tried again as soon as space returns.
            throw SpoolError.insufficientSpace(freeBytes: options.freeSpaceProbe(directory) ?? 0,
                                               minimumBytes: options.minimumFreeSpace?.bytes ?? 0)
        }
    }

    /// Records delivery progress; returns once it is synced (final outcomes share the group commit
    /// with accepts). Entries for unknown or finished messages are ignored. A message whose
    /// recipients are all final is forgotten and its storage reclaimed. Works when space is low.
    public func record(_ progress: [RecipientProgress]) async throws {
        let live = log.withIndex { index in progress.filter { $0.recipient >= 0 && index.contains($0.message) } }
        guard !live.isEmpty else { return }
        let record = ProgressRecord.encode(live)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            log.enqueue(.progress(record: record, entries: live, continuation: continuation))
        }
    }

    /// The content of a live message, checksum-verified.
    public func content(of id: MessageID) throws -> [UInt8] {
        guard let (entry, file) = log.locate(id) else { throw SpoolError.unknownMessage(id) }
        let bytes = try POSIX.read(file.fd, count: entry.location.length, at: entry.location.offset, path: file.path)
        return try bytes.withUnsafeBytes { raw in
            guard case let .record(type, payload) = RecordFrame.probe(raw, at: 0),
                  type == RecordType.message.rawValue, payload.count >= entry.contentSize
            else {
                throw SpoolError.corrupt(path: file.path, offset: entry.location.offset, reason: "message record fails its checksum")
            }
            return Array(raw[(payload.upperBound - entry.contentSize)..<payload.upperBound])
        }
    }

    /// Totals over the live messages.
    public func statistics() -> SpoolStatistics {
        let disk = log.diskBytes()
        return log.withIndex { SpoolStatistics(index: $0, diskBytes: disk) }
    }

    /// Group commits made since opening (each one write and one fdatasync) and the records they
    /// carried: `records / commits` is the batching that concurrency buys.
    public func commitCounts() -> (commits: Int, records: Int) {
        log.commitCounts()
    }

    /// Stores (or replaces) an operator control durably.
    public func saveControl(id: String, data: Data, expiresAt: Instant?) throws {
        try controls.save(StoredControl(id: id, data: data, expiresAt: expiresAt))
    }

    /// Removes an operator control durably; removing an absent one is not an error.
    public func removeControl(id: String) throws {
        try controls.remove(id: id)
    }

    /// The stored controls that have not expired at `now`, sorted by id; expired ones are deleted.
    /// Damaged control files are skipped and named in `warnings`.
    public func loadControls(now: Instant) throws -> (controls: [StoredControl], warnings: [String]) {
        try controls.load(now: now, prune: true)
    }

    /// Finishes queued writes, stops the writer and releases the directory lock; later calls
    /// throw `SpoolError.closed`.
    public func close() async {
        await log.close()
        lock.release()
    }
}
