import Foundation
import Synchronization

/// The demo's log file (`sluice.log` in its directory): the node's log lines and the loopback
/// guard's refusals, one per line, so that nothing writes over the console.
final class DemoLog: Sendable {
    private let handle: Mutex<FileHandle?>

    /// Opens `path` for appending (creating it).
    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw DemoError.directory("cannot create \(path)") }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        self.handle = Mutex(handle)
    }

    /// Appends one line.
    func write(_ line: String) {
        handle.withLock { handle in
            try? handle?.write(contentsOf: Data((line + "\n").utf8))
        }
    }

    /// Closes the file; later lines are dropped.
    func close() {
        handle.withLock { handle in
            try? handle?.close()
            handle = nil
        }
    }
}
