import Foundation

/// Runs `python3 -c SCRIPT ARGUMENT` to completion and returns its standard output; a non-zero
/// exit throws with `what` and the script's standard error.
func runPythonScript(_ script: String, argument: String, what: String) async throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, argument]
    let stdout = Pipe(), stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    guard status == 0 else {
        let why = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        throw TestError("\(what) failed (\(status)): \(why)")
    }
    return output
}
