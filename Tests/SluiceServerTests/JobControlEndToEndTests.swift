import Foundation
import SluiceConfig
import SluiceControlClient
import SluiceControlProtocol
import SluiceServer
import Testing

/// Jobs (X-Job) through the real control socket against a running node: `show jobs`, and
/// `pause job`, `resume job`, `delete --job` across the queues of two domains.
@Suite("Jobs through the control socket")
struct JobControlEndToEndTests {
    /// a.test sends 10 messages a second, b.test 6 a minute, one connection each, so that b.test
    /// still has mail queued when the job is deleted.
    func configuration(_ dir: String, sinkPort: Int) throws -> ConfigModel {
        try loadConfiguration(testConfiguration(
            spool: "\(dir)/spool", routes: [("a.test", sinkPort), ("b.test", sinkPort)],
            perDomain: ["a.test": "    max-smtp-out 1\n    max-msg-rate 10/s", "b.test": "    max-smtp-out 1\n    max-msg-rate 6/m"]))
    }

    static func job(_ id: String, _ to: String) -> Injector.Message { .init(to: [to], headers: "X-Job: \(id)\r\n") }

    @Test("pausing a job stops its mail in both domains' queues while another job's goes on; resume and delete --job",
          Peers.smtpSink, Peers.python3)
    func pauseResumeDelete() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let sink = try await SinkProcess(port: try freePort(), directory: dir)
        defer { sink.stop() }
        try await withNode(try configuration(dir, sinkPort: sink.port), directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            let client = ControlClient(socketPath: "\(dir)/c.sock", client: "test")
            let paused = try await client.send(.execute(.pause(target: .job("news"))), reason: "wrong link")
            guard case .outcome(let outcome) = paused else { Issue.record("unexpected answer \(paused)"); return }
            #expect(outcome.message == "done: pause job news")
            _ = try await Injector.send((0..<10).map { Self.job("news", "n\($0)@a.test") } + (0..<10).map { Self.job("news", "m\($0)@b.test") }
                                        + (0..<10).map { Self.job("receipts", "r\($0)@a.test") }, port: port)
            try await waitUntil("the receipts delivered") { events.events(kind: "delivered", domain: "a.test").count == 10 }
            #expect(events.events(kind: "delivered").allSatisfy { $0.recipient.hasPrefix("r") }, "nothing of the paused job left")

            guard case .jobs(let rows) = try await client.send(.jobs) else { Issue.record("no jobs answer"); return }
            let news = try #require(rows.first { $0.name == "news" })
            #expect(news.paused && news.queued == 20 && news.delivered == 0)
            #expect(news.pausedBy?.contains("wrong link") == true)
            #expect(rows.first { $0.name == "receipts" }?.delivered == 10)
            guard case .controls(let controls) = try await client.send(.listControls) else { Issue.record("no controls"); return }
            #expect(controls.contains { $0.kind == .pause && $0.target == "job news" })

            _ = try await client.send(.execute(.resume(target: .job("news"))), reason: "fixed")
            try await waitUntil("some of the job delivered in both domains") {
                events.events(kind: "delivered", domain: "b.test").count >= 1
                    && events.events(kind: "delivered", domain: "a.test").count >= 11
            }
            _ = try await client.send(.execute(.delete(target: .job("news"), asBounces: false)), reason: "enough")
            try await waitUntil("the job has nothing queued") {
                await node.snapshot().jobs.first { $0.name == "news" }?.queued == 0
            }
            let done = try #require(await node.snapshot().jobs.first { $0.name == "news" })
            #expect(done.delivered + done.deleted == 20)
            #expect(done.deleted >= 8, "b.test's slow queue still held most of the job")
            #expect(done.progress == 1)
        }
    }
}
