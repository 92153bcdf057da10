import Foundation
import Testing

/// Runs `body` with the port of the loopback DNS stub (SluiceDNSTests/Scripts/dns_stub.py), its
/// table extended by `zone` (the JSON the script documents: `["txt": [["string", …], …]]`,
/// `["rcode": 2]`). The stub stops when `body` returns or throws.
func withDNSStub<T>(zone: [String: Any] = [:], _ body: (UInt16) async throws -> T) async throws -> T {
    let stub = Process()
    stub.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../SluiceDNSTests/Scripts/dns_stub.py").standardized.path
    stub.arguments = [script, String(decoding: try JSONSerialization.data(withJSONObject: zone), as: UTF8.self)]
    let stdin = Pipe(), stdout = Pipe()
    stub.standardInput = stdin
    stub.standardOutput = stdout
    try stub.run()
    defer {
        try? stdin.fileHandleForWriting.close()
        if stub.isRunning { stub.terminate() }
        stub.waitUntilExit()
    }
    // The stub's first line is {"port": N}; read it off the cooperative pool.
    let line: Data = await withCheckedContinuation { continuation in
        Thread {
            var data = Data()
            while !data.contains(10) {
                let chunk = stdout.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                data.append(chunk)
            }
            continuation.resume(returning: data)
        }.start()
    }
    let port = try #require((try JSONSerialization.jsonObject(with: line) as? [String: Any])?["port"] as? Int)
    return try await body(UInt16(port))
}

/// The TXT entry for the stub that publishes `text` as one record, cut into 255-byte strings as a
/// zone file would.
func txtRecord(_ text: String) -> [String] {
    var strings: [String] = []
    var rest = Substring(text)
    while !rest.isEmpty {
        strings.append(String(rest.prefix(255)))
        rest = rest.dropFirst(255)
    }
    return strings
}

/// A fresh directory under the system's temporary directory; remove it with ``removeDirectory(_:)``.
func makeTemporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-dkimtools-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Removes a directory made by ``makeTemporaryDirectory()``.
func removeDirectory(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

/// The permission bits of the file at `path`.
func mode(of path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return try #require(attributes[.posixPermissions] as? Int)
}
