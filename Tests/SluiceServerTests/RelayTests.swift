import Foundation
import SluiceConfig
import SluiceControlProtocol
import SluiceServer
import SluiceSpool
import Testing

/// Python's smtplib injects into a running node; a real smtp-sink receives.
@Suite("Relaying end to end over loopback")
struct RelayTests {
    @Test("every message reaches the sink once and the spool ends empty", Peers.smtpSink, Peers.python3)
    func relaysEverything() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let sink = try await SinkProcess(port: try freePort(), directory: dir)
        defer { sink.stop() }
        let config = try loadConfiguration(testConfiguration(
            spool: "\(dir)/spool", routes: [("example.test", sink.port), ("other.test", sink.port)]))
        try await withNode(config, directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            // Every fourth message also goes to other.test: a transaction per domain, 25 in all.
            let messages = (0..<20).map { i in
                Injector.Message(to: i % 4 == 0 ? ["a\(i)@example.test", "b\(i)@other.test"] : ["a\(i)@example.test"])
            }
            let results = try await Injector.send(messages, port: port)
            #expect(results.allSatisfy { $0.ok })
            try await waitUntil("25 messages at the sink") { sink.messages >= 25 }
            try await waitUntil("25 delivered events") { events.events(kind: "delivered").count >= 25 }
            try await waitUntil("an empty queue") { await node.snapshot().status.queued == 0 }
            #expect(events.events(kind: "delivered").count == 25)
            #expect(events.events(kind: "delivered").allSatisfy { $0.code == 250 })
        }
        #expect(sink.messages == 25)
        let spool = try Spool.inspect(directory: "\(dir)/spool")
        #expect(spool.statistics.messages == 0)
    }

    @Test("the peer's 4xx defers with its text, 5xx bounces with a category, 421 and hang-up defers",
          Peers.smtpSink, Peers.python3)
    func peerFailures() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let soft = try await SinkProcess(port: try freePort(), options: ["-r", "RCPT", "-b", "451 4.7.1 Greylisted, try again later"],
                                         directory: dir)
        defer { soft.stop() }
        let hard = try await SinkProcess(port: try freePort(), options: ["-f", "RCPT", "-B", "550 5.1.1 No such user here"],
                                         directory: dir)
        defer { hard.stop() }
        let drop = try await SinkProcess(port: try freePort(), options: ["-Q", "RCPT"], directory: dir)
        defer { drop.stop() }
        let config = try loadConfiguration(testConfiguration(
            spool: "\(dir)/spool", routes: [("soft.test", soft.port), ("hard.test", hard.port), ("drop.test", drop.port)]))
        try await withNode(config, directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            let results = try await Injector.send([.init(to: ["u@soft.test"]), .init(to: ["u@hard.test"]), .init(to: ["u@drop.test"])],
                                                  port: port)
            #expect(results.allSatisfy { $0.ok })
            try await waitUntil("an outcome for each domain") {
                events.events().map { $0.queue }.count >= 3
            }
            let softEvent = try #require(events.events(domain: "soft.test").first)
            #expect(softEvent.kind == "deferred")
            #expect(softEvent.code == 451)
            #expect(softEvent.dsnDiag.contains("4.7.1 Greylisted, try again later"))
            let hardEvent = try #require(events.events(domain: "hard.test").first)
            #expect(hardEvent.kind == "bounced")
            #expect(hardEvent.code == 550)
            #expect(hardEvent.dsnDiag.contains("5.1.1 No such user here"))
            #expect(hardEvent.category == "bad-mailbox")
            let dropEvent = try #require(events.events(domain: "drop.test").first)
            #expect(dropEvent.kind == "deferred")
            #expect(dropEvent.code == 421)
        }
        // The bounce is final; the two deferred messages stay spooled for their retry.
        let spool = try Spool.inspect(directory: "\(dir)/spool")
        #expect(spool.statistics.messages == 2)
        #expect(soft.messages == 0 && hard.messages == 0 && drop.messages == 0)
    }

    @Test("a client without relaying rights is refused 550 5.7.1; the relaying source is accepted",
          Peers.smtpSink, Peers.python3)
    func relayDenied() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let sink = try await SinkProcess(port: try freePort(), directory: dir)
        defer { sink.stop() }
        let config = try loadConfiguration(testConfiguration(spool: "\(dir)/spool", routes: [("example.test", sink.port)]))
        try await withNode(config, directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            let denied = try await Injector.send([.init(to: ["x@example.test"])], port: port, source: "127.0.0.2")
            #expect(denied.first?.ok == false)
            #expect(denied.first?.refusalCode("x@example.test") == 550)
            guard case .text(let text)? = denied.first?.refused?["x@example.test"]?.last else {
                Issue.record("no refusal text"); return
            }
            #expect(text.contains("5.7.1"))
            let allowed = try await Injector.send([.init(to: ["y@example.test"])], port: port, source: "127.0.0.1")
            #expect(allowed.first?.ok == true)
            // The sink counts the message before the node has read its 250: wait for the event.
            try await waitUntil("the allowed message delivered") { !events.events(kind: "delivered").isEmpty }
            #expect(sink.messages == 1)
            #expect(events.events(kind: "delivered").map(\.recipient) == ["y@example.test"])
        }
    }

    @Test("mail to the bare postmaster is accepted from a client without relaying rights and delivered to the configured postmaster",
          Peers.smtpSink, Peers.python3)
    func postmasterIsDelivered() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let sink = try await SinkProcess(port: try freePort(), directory: dir)
        defer { sink.stop() }
        let config = try loadConfiguration("postmaster ops@ops.test\n"
            + testConfiguration(spool: "\(dir)/spool", routes: [("ops.test", sink.port), ("example.test", sink.port)]))
        try await withNode(config, directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            // A second recipient in the same transaction is not refused because of postmaster.
            let relayed = try await Injector.send([.init(to: ["postmaster", "u@example.test"])], port: port)
            let denied = try await Injector.send([.init(to: ["postmaster"])], port: port, source: "127.0.0.2")
            #expect(relayed.first?.ok == true)
            #expect(denied.first?.ok == true)
            try await waitUntil("three deliveries") { events.events(kind: "delivered").count >= 3 }
            #expect(events.events(kind: "delivered").map(\.recipient).sorted()
                    == ["ops@ops.test", "ops@ops.test", "u@example.test"])
        }
    }

    @Test("default-virtual-mta by-smtp-source-ip: each message goes out through the vmta whose source address received it",
          Peers.smtpSink, Peers.python3)
    func virtualMTABySourceAddress() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let sink = try await SinkProcess(port: try freePort(), directory: dir)
        defer { sink.stop() }
        let config = try loadConfiguration("""
        host-name node.test
        spool \(dir)/spool
        <source 0/0>
            always-allow-relaying yes
            default-virtual-mta by-smtp-source-ip
        </source>
        <virtual-mta v1>
            smtp-source-host 127.0.0.1 one.node.test
        </virtual-mta>
        <virtual-mta v2>
            smtp-source-host 127.0.0.2 two.node.test
        </virtual-mta>
        <domain example.test>
            route [127.0.0.1]:\(sink.port)
        </domain>
        """)
        var options = testOptions(directory: dir)
        options.smtpListeners = [0x7F00_0001, 0x7F00_0002, 0x7F00_0003].map { ListenAddress(address: .v4($0), port: 0) }
        let node = try await MailNode.start(configuration: config, options: options)
        do {
            let ports = await node.smtpPorts
            try #require(ports.count == 3)
            let events = EventCollector(node)
            let one = try await Injector.send([.init(to: ["a@example.test"])], port: ports[0], host: "127.0.0.1")
            let two = try await Injector.send([.init(to: ["b@example.test"])], port: ports[1], host: "127.0.0.2")
            let none = try await Injector.send([.init(to: ["c@example.test"])], port: ports[2], host: "127.0.0.3")
            #expect(one.first?.ok == true && two.first?.ok == true)
            #expect(none.first?.code == 451 && none.first?.text?.contains("4.3.5") == true)
            try await waitUntil("two deliveries") { events.events(kind: "delivered").count >= 2 }
            let queues = Dictionary(uniqueKeysWithValues: events.events(kind: "delivered").map { ($0.recipient, $0.queue) })
            #expect(queues == ["a@example.test": "example.test/v1", "b@example.test": "example.test/v2"])
            await node.shutdown()
        } catch {
            await node.shutdown()
            throw error
        }
    }
}
