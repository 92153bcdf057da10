import Foundation

/// A child process that runs while a test talks to it; its stdout lines are collected. `stop()`
/// terminates it and waits, and `with` guarantees that even when the test fails.
final class BackgroundProcess: @unchecked Sendable {
    private let process = Process()
    private let stdin = Pipe()
    private let stdout = Pipe()
    private let lines = Locked<[String]>([])
    private let reader: Thread

    init(_ executable: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        let handle = stdout.fileHandleForReading
        let lines = self.lines
        reader = Thread {
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 10) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    lines.set(lines.get() + [line])
                }
            }
        }
        try process.run()
        reader.start()
    }

    /// The stdout lines so far.
    var output: [String] { lines.get() }

    /// Waits until a line satisfying `predicate` has been printed.
    func waitForLine(timeout: TimeInterval = 30, where predicate: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = output.first(where: predicate) { return line }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ChildProcess.Failure(description: "no expected output from \(process.executableURL?.path ?? "?"): \(output)")
    }

    /// Terminates the process (SIGTERM, then SIGKILL after a second: smtp-sink ignores SIGTERM)
    /// and waits for it without blocking the caller's thread.
    func stop() async {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        for _ in 0..<50 where process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
    }

    /// Runs `body` with a started process and stops it afterwards, also on failure.
    static func with<T>(_ executable: String, _ arguments: [String], _ body: (BackgroundProcess) async throws -> T) async throws -> T {
        let process = try BackgroundProcess(executable, arguments)
        do {
            let result = try await body(process)
            await process.stop()
            return result
        } catch {
            await process.stop()
            throw error
        }
    }
}

/// The scripted Python peer (Scripts/peer_server.py).
struct PythonPeer {
    let process: BackgroundProcess
    let port: Int

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts/peer_server.py").path

    /// The commands the peer received, as (connection, client address, read number, line).
    var commands: [(conn: Int, peer: String, read: Int, line: String)] {
        process.output.compactMap { text in
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                  let conn = object["conn"] as? Int, let peer = object["peer"] as? String,
                  let read = object["read"] as? Int, let line = object["line"] as? String else { return nil }
            return (conn, peer, read, line)
        }
    }

    /// The content lines of each message the peer accepted.
    var contents: [[String]] {
        process.output.compactMap { text in
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                  object["line"] as? String == "<content>" else { return nil }
            return object["content"] as? [String]
        }
    }

    static func with<T>(_ options: [String] = [], _ body: (PythonPeer) async throws -> T) async throws -> T {
        try await BackgroundProcess.with("/usr/bin/python3", [script] + options) { process in
            let first = try await process.waitForLine { $0.hasPrefix("{\"port\"") }
            let object = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
            guard let port = object?["port"] as? Int else { throw ChildProcess.Failure(description: "no port in \(first)") }
            return try await body(PythonPeer(process: process, port: port))
        }
    }
}
