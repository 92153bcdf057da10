import Foundation
import SluiceBase

/// An operator control (hold, pause, throttle override…) as the spool keeps it: an opaque blob
/// the engine encodes, under the engine's id, with an optional expiry.
public struct StoredControl: Sendable, Equatable {
    /// The engine's id for the control, e.g. `hold/domain/gmail.com`.
    public var id: String
    /// The engine's encoding of the control (JSON, say).
    public var data: Data
    /// When the control lapses; nil for never.
    public var expiresAt: Instant?

    /// Creates a stored control.
    public init(id: String, data: Data, expiresAt: Instant?) {
        self.id = id
        self.data = data
        self.expiresAt = expiresAt
    }
}

/// Controls persisted one per file in `controls/`: written to a temporary file, synced, renamed
/// over the old one and the directory synced, so a crash leaves either the old or the new version.
/// Each file is one checksummed record, so a damaged file is reported, never misread.
final class ControlStore: Sendable {
    /// Longest id in UTF-8 bytes (file names are the id in hex, and a name holds 255 bytes).
    static let maximumIDLength = 120

    private let directory: String
    private let lock = NSLock()

    init(directory: String) {
        self.directory = directory
    }

    private func fileName(_ id: String) throws(SpoolError) -> String {
        let bytes = Array(id.utf8)
        guard !bytes.isEmpty, bytes.count <= ControlStore.maximumIDLength else { throw .invalidControlID(id) }
        let hex = Array("0123456789abcdef".utf8)
        var name: [UInt8] = []
        for b in bytes {
            name.append(hex[Int(b >> 4)])
            name.append(hex[Int(b & 0xF)])
        }
        return String(decoding: name, as: UTF8.self) + ".ctl"
    }

    func save(_ control: StoredControl) throws(SpoolError) {
        let name = try fileName(control.id)
        let record = ControlRecord(id: control.id, expiresAt: control.expiresAt, data: Array(control.data)).encoded()
        let path = directory + "/" + name
        let temporary = path + ".tmp"
        lock.lock()
        defer { lock.unlock() }
        let fd = try POSIX.open(temporary, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try POSIX.write(fd, record, at: 0, path: temporary)
            try POSIX.fdatasync(fd, path: temporary)
            close(fd)
        } catch {
            close(fd)
            try? POSIX.unlink(temporary)
            throw error
        }
        try POSIX.rename(temporary, path)
        try POSIX.syncDirectory(directory)
    }

    func remove(id: String) throws(SpoolError) {
        let path = directory + "/" + (try fileName(id))
        lock.lock()
        defer { lock.unlock() }
        try POSIX.unlink(path)
        try POSIX.syncDirectory(directory)
    }

    /// The unexpired controls, by id; expired ones and leftover temporary files are deleted when
    /// `prune` is set. Damaged files are reported as warnings and left in place.
    func load(now: Instant, prune: Bool) throws(SpoolError) -> (controls: [StoredControl], warnings: [String]) {
        lock.lock()
        defer { lock.unlock() }
        guard POSIX.isDirectory(directory) else { return ([], []) }
        var controls: [StoredControl] = []
        var warnings: [String] = []
        var pruned = false
        for name in try POSIX.list(directory).sorted() {
            let path = directory + "/" + name
            if name.hasSuffix(".tmp") {
                if prune { try POSIX.unlink(path); pruned = true }
                continue
            }
            guard name.hasSuffix(".ctl") else { continue }
            let bytes = try POSIX.readFile(path)
            let decoded: Result<ControlRecord, ByteReader.Malformed> = bytes.withUnsafeBytes { raw in
                switch RecordFrame.probe(raw, at: 0) {
                case let .record(type, payload) where type == RecordType.control.rawValue && payload.upperBound == raw.count:
                    do throws(ByteReader.Malformed) {
                        return .success(try ControlRecord(decoding: UnsafeRawBufferPointer(rebasing: raw[payload])))
                    } catch {
                        return .failure(error)
                    }
                case let probe:
                    return .failure(ByteReader.Malformed(description: "not an intact control record (\(probe))"))
                }
            }
            switch decoded {
            case let .success(record):
                if let expiry = record.expiresAt, expiry <= now {
                    if prune { try POSIX.unlink(path); pruned = true }
                    continue
                }
                controls.append(StoredControl(id: record.id, data: Data(record.data), expiresAt: record.expiresAt))
            case let .failure(error):
                warnings.append("\(path)@0: \(error.description); control skipped")
            }
        }
        if pruned { try POSIX.syncDirectory(directory) }
        return (controls.sorted { $0.id < $1.id }, warnings)
    }
}
