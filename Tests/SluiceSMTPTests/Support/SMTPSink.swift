import Foundation
import NIOCore
import NIOPosix

/// Postfix's smtp-sink on a free loopback port, stopped afterwards even on failure.
enum SMTPSink {
    static let path = "/usr/sbin/smtp-sink"

    /// A port that was free a moment ago.
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    /// Starts smtp-sink with `options` (such as `-r RCPT`) and waits until it accepts connections.
    static func with<T>(_ options: [String], _ body: (Int) async throws -> T) async throws -> T {
        let port = try await freePort()
        var arguments = ["-h", "sink.test"]
        if getuid() == 0 { arguments += ["-u", "nobody"] }
        arguments += options + ["127.0.0.1:\(port)", "16"]
        return try await BackgroundProcess.with(path, arguments) { _ in
            try await waitUntilListening(port: port)
            return try await body(port)
        }
    }

    private static func waitUntilListening(port: Int) async throws {
        for _ in 0..<100 {
            let connected = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
            if let connected {
                try? await connected.close()
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ChildProcess.Failure(description: "smtp-sink did not start on port \(port)")
    }
}
