import Foundation
import SluiceConfig

/// Loads `text` as the file `t.conf` (includes resolve in the current directory).
func load(_ text: String, file: String = "t.conf", strict: Bool = false) -> ConfigLoadResult {
    ConfigLoader.load(text: text, fileName: file, strict: strict)
}

/// The diagnostics as `FILE:LINE:COL: severity: message` lines.
func lines(_ result: ConfigLoadResult) -> [String] { result.diagnostics.map(\.description) }

/// The number of lines in `text`, counted on scalars (independently of the lexer): LF, CRLF and
/// a lone CR each end one.
func lineCount(_ text: String) -> Int {
    let scalars = Array(text.unicodeScalars)
    return 1 + scalars.indices.filter { i in
        scalars[i] == "\n" || (scalars[i] == "\r" && (i + 1 == scalars.count || scalars[i + 1] != "\n"))
    }.count
}

/// True when `text` holds a character a terminal may act on: C0 other than tab, DEL or C1.
func containsControlCharacters(_ text: String) -> Bool {
    text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t") || (0x7F...0x9F).contains($0.value) }
}

/// The repository root (two levels above this file's real directory: Sanitize/Tests links here).
let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// A fresh temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
