import Foundation
import SluiceConfig
import SluiceControl
import SluiceServer
import Testing

/// Throttle overrides, the override file, the audit log and `reload` through the real control socket.
@Suite("Control plane of a running node")
struct ControlPlaneTests {
    func configuration(_ dir: String) throws -> ConfigModel {
        try loadConfiguration(testConfiguration(spool: "\(dir)/spool", routes: [("slow.test", 9)],
                                                perDomain: ["slow.test": "    max-msg-rate 10/s"]))
    }

    /// The `settings` entry of a directive for a domain, asked over the socket.
    func setting(_ name: String, of domain: String, socket: String) async throws -> SettingsSnapshot.Entry? {
        let answer = try await ControlClient(socketPath: socket, client: "cli").send(.settings(target: .domain(domain)))
        guard case .settings(let snapshot) = answer else { throw TestError("unexpected answer \(answer)") }
        return snapshot.entries.first { $0.name == name }
    }

    static let slowRate = MutatingCommand.setThrottle(
        target: .domain("slow.test"), settings: [ThrottleSetting(directive: "max-msg-rate", value: "2/s")], persist: false)

    @Test("a throttle set from the console shows origin `console`; the control records the user in full")
    func liveOverrideOriginIsClientLabel() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try await withNode(try configuration(dir), directory: dir) { node, _ in
            let console = ControlClient(socketPath: "\(dir)/c.sock", client: "console")
            _ = try await console.send(.execute(Self.slowRate), reason: "complaints")
            let entry = try #require(try await setting("max-msg-rate", of: "slow.test", socket: "\(dir)/c.sock"))
            #expect(entry.value == "2/s")
            #expect(entry.origin == "console")
            let control = try #require(await node.snapshot().status.controls.first { $0.kind == "throttle" })
            #expect(control.who.contains("uid \(getuid())"))
            #expect(control.who.hasSuffix("via console"))
            #expect(control.why == "complaints")
        }
    }
}
