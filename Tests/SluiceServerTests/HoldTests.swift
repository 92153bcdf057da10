import Foundation
import SluiceConfig
import SluiceControlClient
import SluiceServer
import Testing

/// `hold` and `release` through the real control socket against a running node.
@Suite("Holds through the control socket")
struct HoldTests {
    /// held.test drains slowly (one connection, 10 messages a second) so a backlog exists.
    func configuration(_ dir: String, sinkPort: Int) throws -> ConfigModel {
        try loadConfiguration(testConfiguration(
            spool: "\(dir)/spool", routes: [("held.test", sinkPort), ("free.test", sinkPort)],
            perDomain: ["held.test": "    max-smtp-out 1\n    max-msg-rate 10/s"]))
    }

    @Test("a hold stops new transactions to the domain while another domain keeps delivering; release resumes",
          Peers.smtpSink, Peers.python3)
    func holdAndRelease() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let sink = try await SinkProcess(port: try freePort(), directory: dir)
        defer { sink.stop() }
        try await withNode(try configuration(dir, sinkPort: sink.port), directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            let client = ControlClient(socketPath: "\(dir)/c.sock", client: "test")
            _ = try await Injector.send((0..<20).map { .init(to: ["h\($0)@held.test"]) }, port: port)
            try await waitUntil("the backlog draining") { events.events(kind: "delivered", domain: "held.test").count >= 2 }

            let outcome = try await client.send(.execute(.hold(domain: "held.test")), reason: "test")
            guard case .outcome(let held) = outcome else { Issue.record("unexpected answer \(outcome)"); return }
            #expect(held.control?.kind == .hold)
            let deliveredAtHold = events.events(kind: "delivered", domain: "held.test").count

            _ = try await Injector.send((0..<5).map { .init(to: ["f\($0)@free.test"]) }, port: port)
            try await waitUntil("free.test delivering during the hold") {
                events.events(kind: "delivered", domain: "free.test").count == 5
            }
            // At most the one transaction already in flight when the hold returned.
            let duringHold = events.events(kind: "delivered", domain: "held.test").count - deliveredAtHold
            #expect(duringHold <= 1)
            let row = try #require(await node.snapshot().domains.first { $0.name == "held.test" })
            #expect(row.figures.held)
            #expect(row.figures.queued >= 20 - deliveredAtHold - 1)

            _ = try await client.send(.execute(.release(domain: "held.test")), reason: "test")
            try await waitUntil("held.test drained after the release") {
                events.events(kind: "delivered", domain: "held.test").count == 20
            }
        }
    }

    @Test("a hold survives a restart of the node", Peers.smtpSink, Peers.python3)
    func holdSurvivesRestart() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let sink = try await SinkProcess(port: try freePort(), directory: dir)
        defer { sink.stop() }
        let config = try configuration(dir, sinkPort: sink.port)
        try await withNode(config, directory: dir) { _, _ in
            let client = ControlClient(socketPath: "\(dir)/c.sock", client: "test")
            _ = try await client.send(.execute(.hold(domain: "held.test")), reason: "maintenance")
        }
        try await withNode(config, directory: dir) { node, events in
            let controls = await node.snapshot().status.controls
            #expect(controls.contains { $0.kind == .hold && $0.target == "held.test" && $0.why == "maintenance" })
            let port = try #require(await node.smtpPorts.first)
            _ = try await Injector.send([.init(to: ["a@held.test"]), .init(to: ["b@free.test"]), .init(to: ["c@free.test"])],
                                        port: port)
            try await waitUntil("free.test delivered") { events.events(kind: "delivered", domain: "free.test").count == 2 }
            #expect(events.events(domain: "held.test").isEmpty)
            let client = ControlClient(socketPath: "\(dir)/c.sock", client: "test")
            _ = try await client.send(.execute(.release(domain: "held.test")), reason: "done")
            try await waitUntil("held.test delivered after the release") {
                events.events(kind: "delivered", domain: "held.test").count == 1
            }
        }
    }
}
