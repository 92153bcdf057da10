import Foundation
import Testing
@testable import SluiceControlClient
@testable import SluiceControlProtocol
@testable import SluiceControlServer
import SluiceCore

@Suite("Control socket")
struct ControlSocketTests {
    /// A node, the layer over it and a server on a fresh socket.
    struct Fixture {
        let dir: String
        let path: String
        let node: FakeNode
        let service: ControlService
        let server: ControlSocketServer

        static func start(outboxCapacity: Int = 256) async throws -> Fixture {
            let dir = try makeTempDir()
            let path = dir + "/control.sock"
            let node = FakeNode()
            let service = ControlService(node: node, auditLog: nil)
            let server = try await ControlSocketServer.start(path: path, service: service, outboxCapacity: outboxCapacity)
            return Fixture(dir: dir, path: path, node: node, service: service, server: server)
        }

        func stop() async {
            await server.close()
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    @Test func queryAndCommandRoundTrip() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let client = ControlClient(socketPath: f.path)

        guard case .status(let status) = try await client.send(.status) else { Issue.record("not a status"); return }
        #expect(status.node == "mx1.test")
        #expect(status.queued == 2440)

        guard case .outcome(let outcome) = try await client.send(.execute(.hold(domain: "gmail.com")), reason: "test", ttlSeconds: 1800)
        else { Issue.record("not an outcome"); return }
        #expect(outcome.message == "held gmail.com")
        #expect(outcome.control?.expiresAt != nil)

        let (command, context) = try #require(await f.node.lastCommand())
        #expect(command == .hold(domain: "gmail.com"))
        #expect(context.reason == "test")
        #expect(context.actor.uid == geteuid())
        #expect(context.actor.label == "cli")
        let expires = try #require(context.expiresAt)
        #expect(abs(expires - context.issuedAt - 1800) < 0.001)

        guard case .domains(let domains) = try await client.send(.domains) else { Issue.record("not domains"); return }
        #expect(domains.first { $0.name == "gmail.com" }?.figures.held == true)
    }

    @Test func unknownQueueIsAnErrorWithExitCodeOne() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let client = ControlClient(socketPath: f.path)
        let target = try ControlTarget.domainOrQueue("nosuch.example/vmta1")
        let error = await #expect(throws: ControlError.self) { _ = try await client.send(.settings(target: target)) }
        #expect(error?.code == .unknownQueue)
        #expect(error?.exitCode == 1)
    }

    @Test func invalidCommandIsRefusedBeforeTheNode() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let client = ControlClient(socketPath: f.path)
        let target = try ControlTarget.domainOrQueue("gmail.com")
        let error = await #expect(throws: ControlError.self) {
            _ = try await client.send(.execute(.setThrottle(target: target, settings: [.init(directive: "max-msg-rate", value: "fast")], persist: false)))
        }
        #expect(error?.code == .badSetting)
        #expect(await f.node.executedCount() == 0)
    }

    @Test func noDaemonIsAConnectionErrorWithExitCodeTwo() async throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let client = ControlClient(socketPath: dir + "/absent.sock")
        let error = await #expect(throws: ControlError.self) { _ = try await client.send(.status) }
        #expect(error?.code == .unavailable)
        #expect(error?.exitCode == 2)
        #expect(error?.message.hasPrefix("no daemon at \(dir)/absent.sock") == true)
    }

    @Test func socketIsMode0600AndReplacesAStaleFile() async throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/control.sock"
        // A stale socket left by a crashed daemon.
        try makeStaleSocketFile(at: path)
        let server = try await ControlSocketServer.start(path: path, service: ControlService(node: FakeNode(), auditLog: nil))
        defer { Task { await server.close() } }
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        guard case .status = try await ControlClient(socketPath: path).send(.status) else { Issue.record("no status"); return }
    }

    @Test func aLiveDaemonsSocketIsNotStolen() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let error = await #expect(throws: ControlError.self) {
            _ = try await ControlSocketServer.start(path: f.path, service: f.service)
        }
        #expect(error?.code == .refused)
        guard case .status = try await ControlClient(socketPath: f.path).send(.status) else { Issue.record("no status"); return }
    }

    @Test func badRequestLineGetsAUsageError() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let socket = try RawSocket(path: f.path)
        try socket.writeLine("{\"id\":7,\"command\":{\"frobnicate\":{}}}")
        let reply = try #require(await socket.nextLine().flatMap(jsonObject))
        #expect(reply["id"] as? Int == 7)
        #expect(reply["ok"] as? Bool == false)
        #expect((reply["error"] as? [String: Any])?["code"] as? String == "usage")
        try socket.writeLine("not json")
        let second = try #require(await socket.nextLine().flatMap(jsonObject))
        #expect(second["ok"] as? Bool == false)
        // The connection survives bad lines.
        try socket.writeLine("{\"id\":8,\"command\":{\"vmtas\":{}}}")
        let third = try #require(await socket.nextLine().flatMap(jsonObject))
        #expect(third["id"] as? Int == 8)
        #expect(((third["result"] as? [String: Any])?["vmtas"] as? [Any])?.count == 2)
    }

    @Test func clientThatHalfClosesStillGetsItsAnswers() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let socket = try RawSocket(path: f.path)
        try socket.writeLine(#"{"id":1,"command":{"status":{}}}"#)
        try socket.writeLine(#"{"id":2,"command":{"hold":{"domain":"yahoo.com"}},"reason":"scripted"}"#)
        socket.shutdownWrite()
        let first = try #require(await socket.nextLine().flatMap(jsonObject))
        let second = try #require(await socket.nextLine().flatMap(jsonObject))
        #expect(Set([first["id"] as? Int, second["id"] as? Int]) == [1, 2])
        #expect(first["ok"] as? Bool == true && second["ok"] as? Bool == true)
        #expect(await socket.nextLine() == nil, "the daemon closes once both are answered")
    }

    @Test(.enabled(if: geteuid() == 0, "dropping a peer to another uid needs root"), Peers.python3)
    func peerOfAnotherUIDIsRefused() async throws {
        let python = try #require(Peers.python3Path)
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        // Widen the file mode so only the uid check stands between nobody and the socket.
        #expect(chmod(f.dir, 0o755) == 0)
        #expect(chmod(f.path, 0o666) == 0)
        let script = """
        import os, socket
        os.setgid(65534); os.setuid(65534)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(\(pythonString(f.path)))
        s.sendall(b'{"id":1,"command":{"status":{}}}\\n')
        data = b''
        while not data.endswith(b'\\n'):
            chunk = s.recv(4096)
            if not chunk: break
            data += chunk
        print(data.decode().strip())
        """
        let output = try await offPool { try runProcess(python, ["-c", script]) }
        let reply = try #require(jsonObject(output))
        #expect(reply["ok"] as? Bool == false)
        let error = try #require(reply["error"] as? [String: Any])
        #expect(error["code"] as? String == "permission-denied")
        #expect((error["message"] as? String)?.contains("uid 65534") == true)
        #expect(await f.node.executedCount() == 0)
    }

    @Test func subscriberReceivesSnapshotsAndEvents() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let stream = ControlClient(socketPath: f.path, client: "console").subscribe(SubscribeOptions(intervalMs: 100))
        var sawSnapshot = false
        var sawEvent = false
        for try await frame in stream {
            switch frame {
            case .snapshot(let s):
                #expect(s.status.node == "mx1.test")
                if !sawSnapshot { f.service.events.publish(event(42)) }
                sawSnapshot = true
            case .event(let e):
                #expect(e.recipient == "user42@gmail.com")
                sawEvent = true
            case .dropped:
                Issue.record("nothing should be dropped")
            case .snapshotDelta:
                Issue.record("the client merges deltas into full snapshots")
            }
            if sawSnapshot && sawEvent { break }
        }
        #expect(sawSnapshot && sawEvent)
    }

    @Test func stoppedSubscriberDoesNotBlockThePublisherAndLearnsWhatItLost() async throws {
        let f = try await Fixture.start(outboxCapacity: 16)
        defer { Task { await f.stop() } }
        let socket = try RawSocket(path: f.path)
        try socket.writeLine("{\"id\":1,\"subscribe\":{\"snapshots\":false,\"events\":true}}")
        let ack = try #require(await socket.nextLine().flatMap(jsonObject))
        #expect(ack["ok"] as? Bool == true)
        #expect(f.service.events.subscriberCount == 1)

        // The reader stops reading; 1,000 events of 4 KiB (far more than socket buffers hold)
        // are published. If a subscriber could block the publisher this loop would never end.
        let published = 1000
        for i in 0..<published { f.service.events.publish(event(i, diagBytes: 4096)) }

        // Now the reader drains: every event is either received or counted as dropped.
        var received = 0
        var dropped = 0
        var lastIndex = -1
        while received + dropped < published, let line = await socket.nextLine() {
            let frame = try JSONDecoder().decode(ControlFrame.self, from: Data(line.utf8))
            switch frame {
            case .event(let e):
                let index = Int(e.time - 1_700_000_000)
                #expect(index > lastIndex, "events arrive in order")
                lastIndex = index
                received += 1
            case .dropped(let count): dropped += count
            case .snapshot, .snapshotDelta: Issue.record("no snapshots were asked for")
            }
        }
        #expect(received + dropped == published)
        #expect(dropped > 0)
        #expect(received > 0)
    }
}

func pythonString(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "\\'") + "'" }

/// python3 with prometheus_client, for the checks that parse /metrics with it.
let prometheusPython: String? = {
    guard let python = findExecutable("python3") else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", "import prometheus_client"]
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    process.waitUntilExit()
    return process.terminationStatus == 0 ? python : nil
}()

func findExecutable(_ name: String) -> String? {
    let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    return paths.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

func runProcess(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
