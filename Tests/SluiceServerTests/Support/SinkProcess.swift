import Foundation
import Glibc

/// A real `smtp-sink` (Postfix) on a loopback port, counting messages with `-c`. Stopped by
/// ``stop()`` (call it in a `defer`); never outlives the test.
final class SinkProcess: @unchecked Sendable {
    let port: Int
    let host: String
    private let process = Process()
    private let output: String

    /// Starts `smtp-sink [options] HOST:PORT` (HOST a loopback address) and waits until it listens.
    init(port: Int, host: String = "127.0.0.1", options: [String] = [], directory: String) async throws {
        self.port = port
        self.host = host
        output = "\(directory)/sink-\(host)-\(port).out"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/smtp-sink")
        process.arguments = ["-c"] + (geteuid() == 0 ? ["-u", "nobody"] : []) + options + ["\(host):\(port)", "100"]
        process.standardOutput = FileHandle(forWritingAtPath: output)
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        do {
            try await waitUntil("smtp-sink listening on \(host):\(port)", timeout: 60) { canConnect(port: port, host: host) }
        } catch {
            stop()
            throw error
        }
    }

    /// Messages the sink has received (its `-c` counter).
    var messages: Int {
        guard let data = FileManager.default.contents(atPath: output), let text = String(data: data, encoding: .utf8),
              let range = text.range(of: "mesg=", options: .backwards) else { return 0 }
        return Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0
    }

    /// Kills the sink (SIGKILL: smtp-sink does not stop on SIGTERM) and waits for it.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestError("socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw TestError("bind() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// True when something accepts TCP connections on `host`:`port` (an IPv4 address).
func canConnect(port: Int, host: String = "127.0.0.1") -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr(host)
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

/// A failed test step.
struct TestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` every 20 ms until it holds; throws after `timeout` seconds.
func waitUntil(_ what: String, timeout: Double = 30, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TestError("timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// A fresh short directory under /tmp (a socket path must fit in 108 bytes).
func makeTemporaryDirectory() throws -> String {
    var template = Array("/tmp/sluice-srv-XXXXXX".utf8CString)
    guard let path = mkdtemp(&template) else { throw TestError("mkdtemp failed") }
    return String(cString: path)
}
