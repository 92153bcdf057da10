import Foundation
import SluiceControlProtocol

/// The history's place in the spool: `history.jsonl`, one ``HistoryFrame`` per line, appended
/// once a minute. Read at start (unreadable lines are skipped: the history is not mail), and
/// rewritten with the frames kept when it holds twice as many lines as a day has, so that it stays
/// within two days of frames.
struct HistoryFile: Sendable {
    /// The file's path.
    let path: String

    /// The file in `spoolDirectory`.
    init(spoolDirectory: String) {
        path = (spoolDirectory as NSString).appendingPathComponent("history.jsonl")
    }

    /// The frames in the file, in file order, and how many lines it has.
    func load() -> (frames: [HistoryFrame], lines: Int) {
        guard let data = FileManager.default.contents(atPath: path) else { return ([], 0) }
        let decoder = JSONDecoder()
        var frames: [HistoryFrame] = []
        var lines = 0
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            lines += 1
            if let frame = try? decoder.decode(HistoryFrame.self, from: Data(line)) { frames.append(frame) }
        }
        return (frames, lines)
    }

    /// Appends one frame.
    ///
    /// - Throws: the file system's error.
    func append(_ frame: HistoryFrame) throws {
        var line = try JSONEncoder().encode(frame)
        line.append(UInt8(ascii: "\n"))
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: line, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
            return
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
    }

    /// Replaces the file's contents with `frames` (written aside, then renamed over it).
    ///
    /// - Throws: the file system's error.
    func rewrite(_ frames: [HistoryFrame]) throws {
        let encoder = JSONEncoder()
        var data = Data()
        for frame in frames {
            data.append(try encoder.encode(frame))
            data.append(UInt8(ascii: "\n"))
        }
        let aside = path + ".new"
        try data.write(to: URL(fileURLWithPath: aside))
        guard rename(aside, path) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    }
}
