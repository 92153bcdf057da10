import Foundation
import SluiceControlProtocol
import SluiceCore

/// One line of the audit log: who did what, why, until when, and how it went.
public struct AuditRecord: Codable, Hashable, Sendable {
    /// Unix time (seconds) of the request.
    public var time: Double
    /// Who asked.
    public var actor: ControlActor
    /// The command as one line, e.g. `hold gmail.com`.
    public var action: String
    /// The command itself.
    public var command: ControlCommand
    /// Why.
    public var reason: String
    /// Unix time (seconds) the control lapses, or nil for never.
    public var until: Double?
    /// True when the node carried it out.
    public var ok: Bool
    /// The outcome's message, or the error's.
    public var result: String

    /// Creates a record.
    public init(time: Double, actor: ControlActor, action: String, command: ControlCommand, reason: String,
                until: Double?, ok: Bool, result: String) {
        self.time = time
        self.actor = actor
        self.action = action
        self.command = command
        self.reason = reason
        self.until = until
        self.ok = ok
        self.result = result
    }
}

/// An append-only audit log of mutating commands, one JSON object per line.
///
/// Lines are appended with `O_APPEND`, so concurrent writers (even another process) never
/// interleave within a line; the file is not fsynced.
public final class AuditLog: Sendable {
    /// The file's path.
    public let path: String
    private let fd: Int32
    private let lock = NSLock()

    /// Opens (creating, mode 0600) the log at `path` for appending.
    ///
    /// - Throws: ``ControlError`` `internal` naming the path and the system error.
    public init(path: String) throws(ControlError) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ControlError(.internal, "cannot open audit log \(path): \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    /// Appends one record as a line.
    ///
    /// - Throws: ``ControlError`` `internal` when the write fails (disk full, …).
    public func append(_ record: AuditRecord) throws(ControlError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line: Data
        do { line = try encoder.encode(record) } catch {
            throw ControlError(.internal, "cannot encode audit record: \(error)")
        }
        line.append(0x0a)
        lock.lock()
        defer { lock.unlock() }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else {
            throw ControlError(.internal, "cannot append to audit log \(path): \(String(cString: strerror(errno)))")
        }
    }
}
