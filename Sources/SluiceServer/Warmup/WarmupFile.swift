import Foundation
import SluiceCore

/// The warm-up state in the spool directory (`warmup.json`): each warming vmta's progress and the
/// cold pool members' counts of the day, so that a restart neither resets a schedule nor gives a
/// cold member a second day's worth. Written whole, atomically (a temporary file renamed over it).
struct WarmupFile: Sendable {
    /// The file's path.
    let path: String

    /// The file in `spoolDirectory`.
    init(spoolDirectory: String) { path = spoolDirectory + "/warmup.json" }

    /// The saved ledger, or nil when there is no file yet.
    ///
    /// - Throws: when the file exists but cannot be read or decoded.
    func read() throws -> WarmupLedger? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode(Contents.self, from: data).ledger
    }

    /// Replaces the file with `ledger`.
    func write(_ ledger: WarmupLedger) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(Contents(version: 1, ledger: ledger)).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The file's layout: a version, then the ledger.
    private struct Contents: Codable {
        var version: Int
        var ledger: WarmupLedger
    }
}
