import Foundation

/// Writes one line to standard output at once (unbuffered: a live log read through a pipe shows
/// each line when it happens).
func printLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
