import Foundation
import SluiceConfig

/// Loads `text` as the file `t.conf` (includes resolve in the current directory).
func load(_ text: String, file: String = "t.conf", strict: Bool = false) -> ConfigLoadResult {
    ConfigLoader.load(text: text, fileName: file, strict: strict)
}

/// The diagnostics as `FILE:LINE:COL: severity: message` lines.
func lines(_ result: ConfigLoadResult) -> [String] { result.diagnostics.map(\.description) }

/// The repository root (two levels above this file's directory).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// A fresh temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
