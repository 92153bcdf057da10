import Foundation
import SluiceConfig
import SluiceCore

/// Writes one `<acct-file>`: the records its `records` filter accepts, as CSV rows under a header
/// line written once at the top of each file, rotated by `max-size` and `move-interval`.
///
/// Rows are buffered; the owner calls ``tick(now:)`` at least once a second to flush them and to
/// rotate on time, and ``close(now:)`` on shutdown. Every call takes the current instant, so
/// tests drive time. Not thread-safe: one owner (an actor or a single task) calls it.
///
/// The active file is created on the first row after start-up or rotation, so no file holds a
/// header alone. An existing file is appended to when its first line is this file's header and
/// its last line is complete; otherwise it is rotated first. `move-interval` rotation happens on
/// the first call past each boundary (multiples of the interval since the epoch, UTC) when the
/// file holds rows; `delete-after` is applied to the rotated files at each rotation.
/// A row that cannot be written stays buffered and is retried on the next call, so an I/O error
/// (a full disk, a missing directory) loses nothing while the process lives.
///
/// A new file gets mode ``fileMode`` (0640, or 0644 with `world-readable yes`) whatever the
/// umask; an existing file appended to keeps its mode. Columns follow ``AccountingLayout``.
///
/// It writes a `.file` target; ``AccountingLog`` gives a `.pipe` target to ``AccountingPipeWriter``.
public final class AccountingFileWriter {
    /// The `<acct-file>` block this writes.
    public let configuration: AccountingFile
    /// The columns and what each record type fills, from the `records` and `record-fields` lines.
    public let layout: AccountingLayout
    /// The columns of every row (the header line names them).
    public var columns: [AccountingColumn] { layout.columns }

    private let policy: RotationPolicy
    private let header: [UInt8]
    private var file: OpenFile?
    private var pending: [UInt8] = []
    private var pendingRows = 0
    private var nextRotation: Instant?

    /// Rows buffered past this many bytes are written without waiting for the tick.
    private static let flushThreshold = 64 * 1024

    private struct OpenFile {
        var handle: FileHandle
        var size: Int64
        var rows: Int
    }

    /// Creates a writer; nothing touches the disk until the first accepted record.
    public init(_ configuration: AccountingFile) {
        self.configuration = configuration
        layout = AccountingLayout(configuration)
        header = Array(layout.header.utf8)
        policy = RotationPolicy(fileName: (configuration.path as NSString).lastPathComponent,
                                maxSize: configuration.maxSize?.bytes, moveInterval: configuration.moveInterval,
                                deleteAfter: configuration.deleteAfter)
    }

    /// The mode of a new file: 0644 with `world-readable yes`, else 0640 (PowerMTA's default).
    public var fileMode: Int16 { configuration.worldReadable ? 0o644 : 0o640 }

    /// The directory rotated files go to: `move-to`, or the active file's own directory.
    public var rotationDirectory: String {
        let directory = configuration.moveTo ?? (configuration.path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }

    /// Buffers `record` if the `records` filter accepts it, rotating first when it is due.
    /// Returns whether the record belongs in this file. On an error the row stays buffered.
    @discardableResult
    public func write(_ record: AccountingRecord, now: Instant) throws(AccountingError) -> Bool {
        guard configuration.records.contains(record.type) else { return false }
        let row = Array(layout.row(record).utf8)
        var failure: AccountingError?
        do {
            try rotateIfDue(now)
            if let file, policy.mustRotate(size: file.size + Int64(pending.count), rows: file.rows + pendingRows,
                                           adding: row.count) {
                try rotate(now)
            }
        } catch { failure = error }
        pending += row
        pendingRows += 1
        do {
            try openIfNeeded(now)
            if pending.count >= Self.flushThreshold { try flush() }
        } catch { failure = failure ?? error }
        if let failure { throw failure }
        return true
    }

    /// Rotates when `move-interval` says so and writes the buffered rows.
    public func tick(now: Instant) throws(AccountingError) {
        try rotateIfDue(now)
        if !pending.isEmpty {
            try openIfNeeded(now)
            try flush()
        }
    }

    /// Writes the buffered rows and closes the file.
    public func close(now: Instant) throws(AccountingError) {
        try tick(now: now)
        try? file?.handle.close()
        file = nil
    }

    // MARK: - Rotation

    private func rotateIfDue(_ now: Instant) throws(AccountingError) {
        guard let due = nextRotation, now >= due else { return }
        if let file, file.rows + pendingRows > 0 {
            try rotate(now)
        } else {
            nextRotation = policy.nextRotation(after: now)
        }
    }

    /// Writes what is buffered, closes the active file and moves it to its rotated name.
    private func rotate(_ now: Instant) throws(AccountingError) {
        if file != nil { try flush() }
        try? file?.handle.close()
        file = nil
        nextRotation = nil
        try moveAside(now)
    }

    private func moveAside(_ now: Instant) throws(AccountingError) {
        let directory = rotationDirectory
        try createDirectory(directory)
        let taken = try io("list", directory) { Set(try FileManager.default.contentsOfDirectory(atPath: directory)) }
        let target = (directory as NSString).appendingPathComponent(policy.rotatedName(at: now, taken: taken))
        try io("rotate", configuration.path) { try FileManager.default.moveItem(atPath: configuration.path, toPath: target) }
        try deleteExpired(now, among: taken)
    }

    private func deleteExpired(_ now: Instant, among names: Set<String>) throws(AccountingError) {
        var failure: AccountingError?
        for name in policy.expired(Array(names), now: now) {
            let path = (rotationDirectory as NSString).appendingPathComponent(name)
            do { try io("delete", path) { try FileManager.default.removeItem(atPath: path) } } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
    }

    // MARK: - Files

    private func openIfNeeded(_ now: Instant) throws(AccountingError) {
        guard file == nil else { return }
        let path = configuration.path
        try createDirectory((path as NSString).deletingLastPathComponent)
        if FileManager.default.fileExists(atPath: path) {
            if let existing = try appendable(path) {
                file = existing
                nextRotation = policy.nextRotation(after: now)
                return
            }
            try moveAside(now)
        }
        let mode = [FileAttributeKey.posixPermissions: NSNumber(value: fileMode)]
        guard FileManager.default.createFile(atPath: path, contents: Data(header), attributes: mode),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw AccountingError(path: path, operation: "create", reason: "the file could not be created")
        }
        // Whatever the umask: `world-readable` decides whether others may read accounting data.
        try io("set the mode of", path) { try FileManager.default.setAttributes(mode, ofItemAtPath: path) }
        try io("open", path) { _ = try handle.seekToEnd() }
        file = OpenFile(handle: handle, size: Int64(header.count), rows: 0)
        nextRotation = policy.nextRotation(after: now)
    }

    /// The existing file opened for appending, or nil when it must be rotated first: its first
    /// line is another header (the `records` filter changed) or its last line is cut short.
    private func appendable(_ path: String) throws(AccountingError) -> OpenFile? {
        let attributes = try io("inspect", path) { try FileManager.default.attributesOfItem(atPath: path) }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let handle = try io("open", path) { try FileHandle(forUpdating: URL(fileURLWithPath: path)) }
        do {
            let start = try io("read", path) { try handle.read(upToCount: header.count) ?? Data() }
            let end = try io("read", path) { () throws -> Data in
                try handle.seek(toOffset: UInt64(max(0, size - 1)))
                return try handle.read(upToCount: 1) ?? Data()
            }
            guard Array(start) == header, end.last == 0x0A else {
                try? handle.close()
                return nil
            }
            try io("open", path) { _ = try handle.seekToEnd() }
        } catch {
            try? handle.close()
            throw error
        }
        return OpenFile(handle: handle, size: size, rows: size > Int64(header.count) ? 1 : 0)
    }

    /// Writes the buffered rows to the open file; on failure they stay buffered.
    private func flush() throws(AccountingError) {
        guard var open = file, !pending.isEmpty else { return }
        let bytes = pending
        try io("write", configuration.path) { try open.handle.write(contentsOf: bytes) }
        open.size += Int64(bytes.count)
        open.rows += pendingRows
        file = open
        pending.removeAll(keepingCapacity: true)
        pendingRows = 0
    }

    private func createDirectory(_ directory: String) throws(AccountingError) {
        guard !directory.isEmpty else { return }
        try io("create directory", directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
    }

    private func io<T>(_ operation: String, _ path: String, _ body: () throws -> T) throws(AccountingError) -> T {
        do { return try body() } catch {
            throw AccountingError(path: path, operation: operation, reason: Self.reason(error))
        }
    }

    private static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}
