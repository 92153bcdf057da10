import Foundation
import SluiceConfig
import SluiceCore

/// Inbound reports (mail to a `<bounce-processor>` or `<feedback-loop-processor>` address) kept on
/// disk: a report is written to `inbound-reports/new/` and synced before the client gets 250, so
/// a crash never loses one; it is removed once processed, or moved to `inbound-reports/unparsed/`
/// with a `.reason` file beside it when it could not be read or attributed, for the operator to
/// inspect.
///
/// Each file is one line of JSON (the ``Envelope``), then the message exactly as received.
struct ReportInbox: Sendable {
    /// Who sent a report to which processor address, and when.
    struct Envelope: Codable, Hashable, Sendable {
        /// `bounce-processor` or `feedback-loop-processor`.
        var processor: String
        /// The envelope sender (often empty: bounces come from the null sender).
        var sender: String
        /// The processor addresses it was sent to (a VERP address names the original recipient).
        var recipients: [String]
        /// When the message was received, milliseconds since 1970.
        var receivedAt: Int64
        /// The client's address.
        var client: String
        /// The virtual MTA the listener chose for the message (for copies delivered on or forwarded).
        var virtualMTA: String?
    }

    /// One stored report.
    struct Stored: Sendable {
        /// The file.
        var path: String
        var envelope: Envelope
        var content: [UInt8]
    }

    /// `inbound-reports` in the spool directory.
    let directory: String
    var newDirectory: String { directory + "/new" }
    var unparsedDirectory: String { directory + "/unparsed" }

    /// The inbox of the spool at `spoolDirectory`, its directories created.
    init(spoolDirectory: String) throws {
        directory = spoolDirectory + "/inbound-reports"
        for path in [directory, newDirectory, unparsedDirectory] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o750])
        }
    }

    /// Stores a report durably (written to a temporary name, synced, renamed, the directory
    /// synced) and returns its path.
    func store(_ envelope: Envelope, content: [UInt8]) throws -> String {
        let name = "\(envelope.receivedAt)-\(UInt32.random(in: 0...UInt32.max))"
        let temporary = "\(directory)/.\(name).tmp", final = "\(newDirectory)/\(name).report"
        var bytes = try JSONEncoder().encode(envelope)
        bytes.append(UInt8(ascii: "\n"))
        try Self.writeSynced(temporary, [Array(bytes), content])
        guard rename(temporary, final) == 0 else {
            let code = errno
            unlink(temporary)
            throw InboxError("cannot rename \(temporary) to \(final): \(String(cString: strerror(code)))")
        }
        Self.syncDirectory(newDirectory)
        return final
    }

    /// The reports waiting in `new/` (left by a stop or crash before they were processed), oldest
    /// first; a file that cannot be read is moved to `unparsed/`.
    func waiting() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: newDirectory)) ?? []
        return names.filter { $0.hasSuffix(".report") }.sorted().map { "\(newDirectory)/\($0)" }
    }

    /// Reads a stored report.
    func read(_ path: String) throws -> Stored {
        guard let data = FileManager.default.contents(atPath: path) else { throw InboxError("cannot read \(path)") }
        let bytes = [UInt8](data)
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { throw InboxError("\(path) has no envelope line") }
        let envelope = try JSONDecoder().decode(Envelope.self, from: Data(bytes[..<newline]))
        return Stored(path: path, envelope: envelope, content: Array(bytes[(newline + 1)...]))
    }

    /// Removes a processed report.
    func remove(_ path: String) { unlink(path) }

    /// How many reports `unparsed/` keeps: past it, the oldest go (with their reasons), so that a
    /// flood of junk to a processor address cannot fill the disk.
    static let maximumUnparsed = 10_000

    /// Moves a report to `unparsed/` with `reason` in a `.reason` file beside it (removing the oldest
    /// beyond ``maximumUnparsed``); returns the new path.
    @discardableResult
    func keepUnparsed(_ path: String, reason: String, keeping limit: Int = ReportInbox.maximumUnparsed) -> String {
        let kept = (try? FileManager.default.contentsOfDirectory(atPath: unparsedDirectory))?
            .filter { $0.hasSuffix(".report") }.sorted() ?? []
        for old in kept.prefix(max(0, kept.count - limit + 1)) {
            unlink("\(unparsedDirectory)/\(old)")
            unlink("\(unparsedDirectory)/\(old).reason")
        }
        let name = (path as NSString).lastPathComponent
        let target = "\(unparsedDirectory)/\(name)"
        _ = FileManager.default.createFile(atPath: target + ".reason", contents: Data((reason + "\n").utf8))
        if rename(path, target) != 0 { return path }
        return target
    }

    private static func writeSynced(_ path: String, _ parts: [[UInt8]]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw InboxError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        for part in parts {
            var offset = 0
            while offset < part.count {
                let written = part.withUnsafeBytes { buffer -> Int in
                    guard let base = buffer.baseAddress else { return 0 }
                    return write(fd, base + offset, buffer.count - offset)
                }
                if written <= 0 {
                    if written == 0 { errno = EIO }
                    if errno == EINTR { continue }
                    let code = errno
                    unlink(path)
                    throw InboxError("cannot write \(path): \(String(cString: strerror(code)))")
                }
                offset += written
            }
        }
        guard fsync(fd) == 0 else {
            let code = errno
            unlink(path)
            throw InboxError("cannot sync \(path): \(String(cString: strerror(code)))")
        }
    }

    private static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}

/// A failure of the report inbox, with the path and the system's reason.
struct InboxError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
