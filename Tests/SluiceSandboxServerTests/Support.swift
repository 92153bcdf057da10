import Foundation
import NIOPosix
import SluiceConfig
import SluiceCore
import SluiceSandbox
import SluiceSandboxServer

/// One reply as the Python client saw it.
struct StepReply: Decodable, Hashable {
    let step: String
    let code: Int
    let text: String
}

/// A scripted session for Scripts/smtp_session.py.
struct ScriptedSession: Encodable {
    var source = "127.0.0.1"
    var steps: [[String]]
}

struct ClientFailure: Error, CustomStringConvertible {
    let description: String
}

/// Runs Scripts/smtp_session.py (Python's smtplib) against `port` on 127.0.0.1 and returns each
/// session's replies, greeting first.
func runPython(port: Int, _ sessions: [ScriptedSession]) async throws -> [[StepReply]] {
    struct Spec: Encodable {
        let host: String
        let port: Int
        let sessions: [ScriptedSession]
    }
    struct Result: Decodable {
        let sessions: [[StepReply]]
    }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts/smtp_session.py")
    // Files rather than pipes: Foundation's pipe reads trap on EINTR.
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let specFile = directory.appendingPathComponent("spec.json"), outFile = directory.appendingPathComponent("out.json"),
        errFile = directory.appendingPathComponent("err.txt")
    try JSONEncoder().encode(Spec(host: "127.0.0.1", port: port, sessions: sessions)).write(to: specFile)
    try Data().write(to: outFile)
    try Data().write(to: errFile)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path]
    process.standardInput = try FileHandle(forReadingFrom: specFile)
    process.standardOutput = try FileHandle(forWritingTo: outFile)
    process.standardError = try FileHandle(forWritingTo: errFile)
    let finished = AsyncStream<Void> { continuation in
        process.terminationHandler = { _ in continuation.finish() }
    }
    try process.run()
    for await _ in finished {}
    guard process.terminationStatus == 0 else {
        let stderr = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
        throw ClientFailure(description: "smtp_session.py exited \(process.terminationStatus): \(stderr)")
    }
    let data = try Data(contentsOf: outFile)
    return try JSONDecoder().decode(Result.self, from: data).sessions
}

/// A sandbox server for `profile` on a free loopback port, stopped after `body`.
func withSandbox<T>(_ profile: String, seed: UInt64 = 7, startedAt: Instant? = nil, limits: SandboxServerLimits = SandboxServerLimits(),
                    _ body: (SandboxServer) async throws -> T) async throws -> T {
    let receiver = SandboxReceiver(profile: try ProfileLibrary().load(profile), seed: seed, startedAt: startedAt ?? WallClock().now())
    let server = try await SandboxServer.start(host: IPAddress("127.0.0.1") ?? .v4(0), port: 0, receiver: receiver, limits: limits,
                                               group: MultiThreadedEventLoopGroup.singleton)
    do {
        let result = try await body(server)
        try await server.close()
        return result
    } catch {
        try? await server.close()
        throw error
    }
}

/// Mailboxes of `domain` in the generator's naming (`alice.smith@…`) that `profile` under `seed`
/// treats as unknown users, and ones it accepts (neither unknown nor full).
func mailboxes(_ profile: String, seed: UInt64, domain: String) throws -> (unknown: [String], existing: [String]) {
    let behaviour = SandboxBehaviour(profile: try ProfileLibrary().load(profile), seed: seed, startedAt: .zero)
    var unknown: [String] = [], existing: [String] = []
    for first in ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"] {
        for last in ["smith", "jones", "brown", "garcia", "miller", "davis", "martin", "lopez", "wilson", "moore"] {
            for n in 0..<10 {
                let address = "\(first).\(last)\(n)@\(domain)"
                if behaviour.isUnknownUser(address) {
                    unknown.append(address)
                } else if behaviour.mailboxFullRule(for: address) == nil {
                    existing.append(address)
                }
            }
        }
    }
    return (unknown, existing)
}

/// A message body of about `lines` lines, some starting with a dot (dot-stuffed on the wire).
func body(lines: Int) -> String {
    (0..<lines).map { $0 % 7 == 3 ? ".line \($0) starts with a dot" : "line \($0) of the test message" }.joined(separator: "\r\n")
}
