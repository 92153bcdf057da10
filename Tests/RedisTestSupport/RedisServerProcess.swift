import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A redis-server the tests start on a free loopback port in a temporary directory, with no
/// persistence, and stop when done (shared by the Redis client's and the fleet's tests).
public final class RedisServerProcess: @unchecked Sendable {
    static let binary = "/usr/bin/redis-server"
    /// True when redis-server is installed.
    public static let available = FileManager.default.isExecutableFile(atPath: binary)

    /// The loopback port it listens on (the same after ``restart()``).
    public let port: Int
    private var process = Process()
    private let directory: URL

    /// Starts the server and returns once it logs that it accepts connections.
    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
        try launch()
    }

    /// Starts a fresh server (empty: there is no persistence) on the same port after ``kill()``.
    public func restart() throws {
        kill()
        process = Process()
        try launch()
    }

    private func launch() throws {
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", directory.path, "--daemonize", "no"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let reader = output.fileHandleForReading
        var log = ""
        while !log.contains("Ready to accept connections") {
            let chunk = reader.availableData
            guard !chunk.isEmpty else { throw ServerFailed(log: log) }
            log += String(decoding: chunk, as: UTF8.self)
        }
        // Keep draining so the server never blocks on a full pipe.
        reader.readabilityHandler = { handle in _ = handle.availableData }
    }

    /// Kills the server with SIGKILL and waits for it to exit.
    public func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Why the server did not start: its log.
    public struct ServerFailed: Error, CustomStringConvertible {
        public var log: String
        public var description: String { "redis-server did not start: \(log)" }
    }

    /// A loopback port nothing listens on right now (bound to port 0, then released).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EBADF) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw POSIXError(.EINVAL) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
