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

    static func persistentRate(_ value: String) -> MutatingCommand {
        .setThrottle(target: .domain("slow.test"), settings: [ThrottleSetting(directive: "max-msg-rate", value: value)],
                     persist: true)
    }

    @Test("set throttle --persist: live origin at first, `(persisted)` after a restart; cancelling removes the file line")
    func persistedThrottleSurvivesRestart() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let config = try configuration(dir)
        let socket = "\(dir)/c.sock"
        try await withNode(config, directory: dir) { _, _ in
            let outcome = try await ControlClient(socketPath: socket, client: "cli").send(.execute(Self.persistentRate("2/s")),
                                                                                          reason: "complaints")
            guard case .outcome = outcome else { throw TestError("unexpected answer \(outcome)") }
            let entry = try #require(try await setting("max-msg-rate", of: "slow.test", socket: socket))
            #expect(entry.value == "2/s")
            #expect(entry.origin == "cli")
        }
        let file = try String(contentsOfFile: "\(dir)/spool/overrides.conf", encoding: .utf8)
        #expect(file.contains("max-msg-rate 2/s"))

        try await withNode(config, directory: dir) { node, _ in
            let entry = try #require(try await setting("max-msg-rate", of: "slow.test", socket: socket))
            #expect(entry.value == "2/s")
            #expect(entry.origin.hasPrefix("\(dir)/spool/overrides.conf:"))
            #expect(entry.origin.hasSuffix(" (persisted)"))
            // The file, not a spooled control, carries it across the restart.
            #expect(await node.snapshot().status.controls.isEmpty)

            // Set it again with --persist and cancel that control: the file line goes.
            let client = ControlClient(socketPath: socket, client: "cli")
            let again = try await client.send(.execute(Self.persistentRate("3/s")), reason: "tune")
            guard case .outcome(let set) = again, let control = set.control else { throw TestError("no control in \(again)") }
            _ = try await client.send(.execute(.cancelControl(id: control.id)), reason: "done")
            let after = try #require(try await setting("max-msg-rate", of: "slow.test", socket: socket))
            #expect(after.value == "10/s")
            #expect(after.origin.hasPrefix("test.conf:"))
        }
        #expect(try !String(contentsOfFile: "\(dir)/spool/overrides.conf", encoding: .utf8).contains("max-msg-rate"))

        try await withNode(config, directory: dir) { _, _ in
            let entry = try #require(try await setting("max-msg-rate", of: "slow.test", socket: socket))
            #expect(entry.value == "10/s")
            #expect(!entry.origin.contains("persisted"))
        }
    }
}
