import Foundation
import Testing

/// Runs `body` with the port of the loopback DNS stub (SluiceDNSTests/Scripts/dns_stub.py), its
/// fixed table extended by `zone` (name → `["mx": [[preference, host]], "a": ["127.0.0.2"]]`).
/// The stub stops when `body` returns.
func withDNSStub<T>(zone: [String: [String: [Any]]] = [:], _ body: (Int) async throws -> T) async throws -> T {
    let stub = Process()
    stub.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    let zoneText = String(decoding: try JSONSerialization.data(withJSONObject: zone), as: UTF8.self)
    stub.arguments = [URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../SluiceDNSTests/Scripts/dns_stub.py").standardized.path, zoneText]
    let stdin = Pipe(), stdout = Pipe()
    stub.standardInput = stdin
    stub.standardOutput = stdout
    try stub.run()
    defer {
        try? stdin.fileHandleForWriting.close()
        stub.waitUntilExit()
    }
    // The stub's first line is {"port": N}.
    var line = Data()
    while !line.contains(10) {
        let chunk = stdout.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        line.append(chunk)
    }
    let port = try #require((try JSONSerialization.jsonObject(with: line) as? [String: Any])?["port"] as? Int)
    return try await body(port)
}
