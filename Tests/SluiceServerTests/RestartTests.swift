import Foundation
import SluiceServer
import SluiceSpool
import Testing

/// A node stopped with mail queued delivers it after a restart on the same spool, once.
@Suite("Restart")
struct RestartTests {
    @Test("mail injected while the peer is down is delivered once after a restart", Peers.smtpSink, Peers.python3)
    func deliversAfterRestart() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let sinkPort = try freePort()
        let config = try loadConfiguration(testConfiguration(
            spool: "\(dir)/spool", routes: [("example.test", sinkPort)], domainSettings: "retry-after 1s"))
        try await withNode(config, directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            let results = try await Injector.send((0..<3).map { .init(to: ["r\($0)@example.test"]) }, port: port)
            #expect(results.allSatisfy { $0.ok })
            try await waitUntil("a deferral: the peer is down") { !events.events(kind: "deferred").isEmpty }
            #expect(events.events(kind: "delivered").isEmpty)
        }
        #expect(try Spool.inspect(directory: "\(dir)/spool").statistics.messages == 3)

        let sink = try await SinkProcess(port: sinkPort, directory: dir)
        defer { sink.stop() }
        try await withNode(config, directory: dir) { node, _ in
            try await waitUntil("3 messages at the sink") { sink.messages >= 3 }
            try await waitUntil("an empty queue") { await node.snapshot().status.queued == 0 }
            // The engine's counters, not the event stream: a delivery may finish before a
            // subscriber attached after start could see it.
            #expect(await node.snapshot().status.out.delivered == 3)
        }
        #expect(sink.messages == 3)
        #expect(try Spool.inspect(directory: "\(dir)/spool").statistics.messages == 0)
    }

    @Test("header_NAME columns of a message restored from the spool come from its stored content")
    func headerColumnsAfterRestart() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let sinkPort = try freePort()
        let config = try loadConfiguration(testConfiguration(
            spool: "\(dir)/spool", routes: [("example.test", sinkPort)], domainSettings: "retry-after 1s")
            + "<acct-file \(dir)/acct.csv>\n    records d\n    record-fields d rcpt,header_Subject\n</acct-file>\n")
        try await withNode(config, directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            _ = try await Injector.send([.init(to: ["r0@example.test"])], port: port)
            try await waitUntil("a deferral: the peer is down") { !events.events(kind: "deferred").isEmpty }
        }
        let sink = try await SinkProcess(port: sinkPort, directory: dir)
        defer { sink.stop() }
        try await withNode(config, directory: dir) { node, _ in
            try await waitUntil("an empty queue") { await node.snapshot().status.queued == 0 }
        }
        let csv = try String(contentsOfFile: "\(dir)/acct.csv", encoding: .utf8)
        #expect(csv == "type,rcpt,header_Subject\r\nd,r0@example.test,test 0\r\n")
    }
}
