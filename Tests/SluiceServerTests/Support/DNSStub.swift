import Foundation
import Testing

/// Runs `body` with the port of the loopback DNS stub (SluiceDNSTests/Scripts/dns_stub.py), its
/// fixed table extended by `zone` (name → `["mx": [[preference, host]], "a": ["127.0.0.2"]]`).
/// The stub stops when `body` returns.
func withDNSStub<T>(zone: [String: [String: [Any]]] = [:], _ body: (Int) async throws -> T) async throws -> T {
    try await withChangeableDNSStub(zone: zone) { stub in try await body(stub.port) }
}

/// The running stub: its port, and changes to its table while it runs.
struct DNSStubHandle {
    /// The UDP port on 127.0.0.1.
    let port: Int
    fileprivate let input: FileHandle
    fileprivate let output: FileHandle

    /// Sets the entries of `names` (as in `zone`; `NSNull()` removes a name, which then answers
    /// NXDOMAIN); returns once the stub answers from the new table.
    func set(_ names: [String: Any]) throws {
        input.write(try JSONSerialization.data(withJSONObject: names) + Data([10]))
        _ = try readJSONLine(output)
    }
}

/// Like ``withDNSStub(zone:_:)``, with a handle that changes the stub's table while `body` runs.
func withChangeableDNSStub<T>(zone: [String: [String: [Any]]] = [:], _ body: (DNSStubHandle) async throws -> T) async throws -> T {
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
    let port = try #require(try readJSONLine(stdout.fileHandleForReading)["port"] as? Int)
    return try await body(DNSStubHandle(port: port, input: stdin.fileHandleForWriting, output: stdout.fileHandleForReading))
}

/// Reads one line of JSON (an object) from the stub's output.
private func readJSONLine(_ handle: FileHandle) throws -> [String: Any] {
    var line = Data()
    while !line.contains(10) {
        let chunk = handle.availableData
        if chunk.isEmpty { break }
        line.append(chunk)
    }
    return try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
}
