import Foundation
import NIOPosix
import SluiceConfig
import SluiceSandbox
@testable import SluiceSandboxServer
import Testing

/// The sandbox server holds up against clients that break the rules.
@Suite struct HostileInputTests {
    @Test(Peers.python3) func overlongLineIsRefusedAndTheConnectionClosed() async throws {
        try await withSandbox("generic") { server in
            let long = "EHLO " + String(repeating: "a", count: 5000) + "\r\n"
            let sessions = try await runPython(port: server.port, [ScriptedSession(steps: [["raw", long], ["noop"]])])
            try #require(sessions[0].count >= 2, "\(sessions)")
            #expect(sessions[0][1] == StepReply(step: "raw", code: 500, text: "5.5.6 Line too long"))
            #expect(sessions[0].last?.code == -1)
            #expect(server.closes.lineTooLong == 1)
        }
    }

    @Test(Peers.python3) func tooManyProtocolErrorsEndTheSession() async throws {
        try await withSandbox("generic", limits: SandboxServerLimits(maximumProtocolErrors: 3)) { server in
            let garbage = (0..<6).map { _ in ["raw", "XYZZY\r\n"] }
            let sessions = try await runPython(port: server.port, [ScriptedSession(steps: garbage)])
            let codes = Array(sessions[0].dropFirst().map(\.code))
            #expect(Array(codes.prefix(3)) == [500, 500, 500])
            try #require(codes.count >= 4, "\(sessions)")
            #expect(codes[3] == 421 || codes[3] == -1, "after the third error the server says 421 and closes")
            #expect(server.closes.tooManyErrors == 1)
        }
    }

    @Test(Peers.python3) func silentClientIsTimedOut() async throws {
        try await withSandbox("gmail", limits: SandboxServerLimits(idleTimeout: .init(milliseconds: 200))) { server in
            let sessions = try await runPython(port: server.port, [ScriptedSession(steps: [["raw", ""]])])
            #expect(sessions[0].last == StepReply(step: "raw", code: 421, text: "4.4.2 Idle timeout, closing connection"))
            #expect(server.closes.idleTimeout == 1)
        }
    }

    @Test func nonLoopbackListenAddressIsRefused() async throws {
        let address = try #require(IPAddress("0.0.0.0"))
        let receiver = SandboxReceiver(profile: try ProfileLibrary().load("gmail"), seed: 1, startedAt: .zero)
        await #expect(throws: SandboxServerError.notLoopback(address)) {
            _ = try await SandboxServer.start(host: address, port: 0, receiver: receiver, group: MultiThreadedEventLoopGroup.singleton)
        }
    }
}
