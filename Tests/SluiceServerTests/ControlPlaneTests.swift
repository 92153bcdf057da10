import Foundation
import SluiceConfig
import SluiceControlClient
import SluiceControlProtocol
import SluiceControlServer
import SluiceCore
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

    static let slowRate = ControlCommand.setThrottle(
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
            let control = try #require(await node.snapshot().status.controls.first { $0.kind == .throttle })
            #expect(control.who.contains("uid \(getuid())"))
            #expect(control.who.hasSuffix("via console"))
            #expect(control.why == "complaints")
        }
    }

    static func persistentRate(_ value: String) -> ControlCommand {
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

    /// Runs `body` against a node started with `options`, shutting it down whatever happens.
    func runNode(_ configuration: ConfigModel, options: NodeOptions, _ body: (MailNode) async throws -> Void) async throws {
        let node = try await MailNode.start(configuration: configuration, options: options)
        do { try await body(node) } catch {
            await node.shutdown()
            throw error
        }
        await node.shutdown()
    }

    @Test("the audit log in the spool records a hold with its reason, user and until, and a refused command as refused")
    func auditLogThroughTheSocket() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        var options = testOptions(directory: dir)
        options.auditLogPath = nil
        let before = Date().timeIntervalSince1970
        try await runNode(try configuration(dir), options: options) { _ in
            let client = ControlClient(socketPath: "\(dir)/c.sock", client: "cli")
            _ = try await client.send(.execute(.hold(domain: "slow.test")), reason: "complaints spike", ttlSeconds: 600)
            do throws(ControlError) {
                _ = try await client.send(.execute(.pause(target: .vmta("nope"))), reason: "typo")
                Issue.record("pausing an unknown vmta was accepted")
            } catch {
                #expect(error.code == .unknownQueue)
            }
        }
        let lines = try String(contentsOfFile: "\(dir)/spool/audit.log", encoding: .utf8).split(separator: "\n")
        let records = try lines.map { try JSONDecoder().decode(AuditRecord.self, from: Data($0.utf8)) }
        #expect(records.count == 2)
        let hold = try #require(records.first)
        #expect(hold.ok)
        #expect(hold.command == .hold(domain: "slow.test"))
        #expect(hold.reason == "complaints spike")
        #expect(hold.actor.uid == getuid())
        #expect(hold.actor.user == getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) })
        #expect(hold.actor.label == "cli")
        #expect(hold.time >= before.rounded(.down))
        #expect(hold.until == hold.time + 600)
        let refused = try #require(records.last)
        #expect(!refused.ok)
        #expect(refused.command == .pause(target: .vmta("nope")))
        #expect(refused.reason == "typo")
        #expect(refused.result.hasPrefix("unknown-queue"))
    }

    @Test("reload re-reads the configuration file, keeps queued mail and controls, and refuses a broken file", Peers.python3)
    func reloadThroughTheSocket() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let path = "\(dir)/sluice.conf"
        func write(rate: String) throws -> ConfigModel {
            let text = testConfiguration(spool: "\(dir)/spool", routes: [("slow.test", 9)],
                                         perDomain: ["slow.test": "    max-msg-rate \(rate)"])
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let loaded = ConfigLoader.load(path: path)
            if let error = loaded.errors.first { throw TestError("bad test configuration: \(error)") }
            return loaded.model
        }
        var options = testOptions(directory: dir)
        options.configurationPath = path
        try await runNode(try write(rate: "10/s"), options: options) { node in
            let socket = "\(dir)/c.sock"
            let client = ControlClient(socketPath: socket, client: "cli")
            _ = try await client.send(.execute(.hold(domain: "slow.test")), reason: "keep them queued")
            let port = try #require(await node.smtpPorts.first)
            _ = try await Injector.send((0..<3).map { .init(to: ["r\($0)@slow.test"]) }, port: port)
            try await waitUntil("three recipients queued") {
                await node.snapshot().domains.first { $0.name == "slow.test" }?.figures.queued == 3
            }

            _ = try write(rate: "5/s")
            let reloaded = try await client.send(.execute(.reload), reason: "new rate")
            guard case .outcome(let outcome) = reloaded else { throw TestError("unexpected answer \(reloaded)") }
            #expect(outcome.message.contains(path))
            let entry = try #require(try await setting("max-msg-rate", of: "slow.test", socket: socket))
            #expect(entry.value == "5/s")
            #expect(entry.origin.hasPrefix("\(path):"))
            let row = try #require(await node.snapshot().domains.first { $0.name == "slow.test" })
            #expect(row.figures.queued == 3)
            #expect(row.figures.held)

            try "<domain slow.test>\n    max-msg-rate fast\n".write(toFile: path, atomically: true, encoding: .utf8)
            do throws(ControlError) {
                _ = try await client.send(.execute(.reload), reason: "broken")
                Issue.record("a broken configuration was reloaded")
            } catch {
                #expect(error.code == .refused)
                #expect(error.message.contains("sluice.conf:"))
            }
            let kept = try #require(try await setting("max-msg-rate", of: "slow.test", socket: socket))
            #expect(kept.value == "5/s")
            #expect(await node.snapshot().status.controls.contains { $0.kind == .hold && $0.target == "slow.test" })
        }
    }
}
