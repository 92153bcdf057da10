import Foundation
import SluiceConfig
import SluiceControlClient
import SluiceCore
import SluiceServer
import SluiceSpool
import Testing

/// `<mx-rollup-list>` and `queue-to` end to end: the loopback DNS stub gives the MX hosts, real
/// smtp-sinks on 127.0.0.2 and 127.0.0.3 play the mail servers, everything on 127.0.0.0/8.
@Suite("mx-rollup-list and queue-to end to end")
struct RollupTests {
    /// a.test and b.test have MX hosts under rollup-mx.test (at 127.0.0.2); c.test's MX is at
    /// 127.0.0.3; alias.test does not exist in DNS (its mail goes to c.test's queue by queue-to).
    static var zone: [String: [String: [Any]]] { [
        "a.test": ["mx": [[10, "mx1.rollup-mx.test"]]],
        "b.test": ["mx": [[10, "mx2.rollup-mx.test"], [20, "mx3.rollup-mx.test"]]],
        "mx1.rollup-mx.test": ["a": ["127.0.0.2"]],
        "mx2.rollup-mx.test": ["a": ["127.0.0.2"]],
        "mx3.rollup-mx.test": ["a": ["127.0.0.2"]],
        "c.test": ["mx": [[10, "mx.c-mx.test"]]],
        "mx.c-mx.test": ["a": ["127.0.0.3"]],
    ] }

    func configuration(dir: String, dnsPort: Int) throws -> ConfigModel {
        try loadConfiguration("""
            dns-server 127.0.0.1:\(dnsPort)
            <mx-rollup-list>
                mx *.rollup-mx.test shared.rollup
            </mx-rollup-list>
            <domain shared.rollup>
                max-smtp-out 1
            </domain>
            <domain alias.test>
                queue-to c.test
            </domain>

            """ + testConfiguration(spool: "\(dir)/spool", routes: []))
    }

    /// Starts a node delivering to MX hosts on `mxPort`, runs `body`, shuts the node down.
    func withNode<T>(_ configuration: ConfigModel, dir: String, mxPort: Int, configurationPath: String? = nil,
                     _ body: (MailNode, EventCollector) async throws -> T) async throws -> T {
        var options = testOptions(directory: dir)
        options.mxPort = mxPort
        options.configurationPath = configurationPath
        let node = try await MailNode.start(configuration: configuration, options: options)
        let events = EventCollector(node)
        do {
            let result = try await body(node, events)
            await node.shutdown()
            return result
        } catch {
            await node.shutdown()
            throw error
        }
    }

    static let rollupQueue = QueueKey(domain: "shared.rollup", vmta: "v1")

    @Test("domains whose MX hosts match share the rollup queue and its settings; a third keeps its own; queue-to; restart",
          Peers.smtpSink, Peers.python3)
    func rollupEndToEnd() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let mxPort = try freePort()
        let rollupSink = try await SinkProcess(port: mxPort, host: "127.0.0.2", directory: dir)
        defer { rollupSink.stop() }
        let otherSink = try await SinkProcess(port: mxPort, host: "127.0.0.3", directory: dir)
        defer { otherSink.stop() }
        try await withDNSStub(zone: Self.zone) { dnsPort in
            let config = try configuration(dir: dir, dnsPort: dnsPort)
            try await withNode(config, dir: dir, mxPort: mxPort) { node, events in
                let client = ControlClient(socketPath: "\(dir)/c.sock", client: "test")
                // `hold shared.rollup` holds the rollup: its mail stays queued for the checks below.
                _ = try await client.send(.execute(.hold(domain: "shared.rollup")), reason: "test")
                let port = try #require(await node.smtpPorts.first)
                let results = try await Injector.send([.init(to: ["x@a.test"]), .init(to: ["y@B.test"]),
                                                       .init(to: ["z@c.test", "w@alias.test"])], port: port)
                #expect(results.allSatisfy { $0.ok })

                try await waitUntil("c.test and alias.test delivered") { events.events(kind: "delivered").count == 2 }
                #expect(Set(events.events(kind: "delivered").map(\.queue)) == ["c.test/v1"])
                #expect(Set(events.events(kind: "delivered").map(\.recipient)) == ["z@c.test", "w@alias.test"])
                try await waitUntil("one message at c.test's MX") { otherSink.messages == 1 }
                #expect(await node.snapshot().queues.contains { $0.domain == "c.test" && $0.figures.delivered == 2 })

                try await expectRollupHolds(node)
            }
            // A restart re-routes the spooled recipients into the rollup (the hold persists).
            try await withNode(config, dir: dir, mxPort: mxPort) { node, events in
                try await expectRollupHolds(node)
                let client = ControlClient(socketPath: "\(dir)/c.sock", client: "test")
                _ = try await client.send(.execute(.release(domain: "shared.rollup")), reason: "test")
                try await waitUntil("both rolled-up recipients delivered") {
                    events.events(kind: "delivered", domain: "shared.rollup").count == 2
                }
                #expect(Set(events.events(kind: "delivered").map(\.recipient)) == ["x@a.test", "y@B.test"])
                try await waitUntil("two messages at the rollup's MX") { rollupSink.messages == 2 }
                try await waitUntil("an empty queue") { await node.snapshot().status.queued == 0 }
            }
        }
        #expect(rollupSink.messages == 2)
        #expect(otherSink.messages == 1)
        #expect(try Spool.inspect(directory: "\(dir)/spool").statistics.messages == 0)
    }

    @Test("smtp-hosts lookup-mx:DOMAIN delivers to that domain's MX hosts, recipients unchanged",
          Peers.smtpSink, Peers.python3)
    func lookupMXEndToEnd() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let mxPort = try freePort()
        let rollupSink = try await SinkProcess(port: mxPort, host: "127.0.0.2", directory: dir)
        defer { rollupSink.stop() }
        let cSink = try await SinkProcess(port: mxPort, host: "127.0.0.3", directory: dir)
        defer { cSink.stop() }
        try await withDNSStub(zone: Self.zone) { dnsPort in
            // relay.test is not in DNS at all: only lookup-mx:c.test can deliver its mail.
            let config = try loadConfiguration("""
                dns-server 127.0.0.1:\(dnsPort)
                <domain relay.test>
                    smtp-hosts lookup-mx:c.test
                </domain>

                """ + testConfiguration(spool: "\(dir)/spool", routes: []))
            try await withNode(config, dir: dir, mxPort: mxPort) { node, events in
                let port = try #require(await node.smtpPorts.first)
                #expect(try await Injector.send([.init(to: ["someone@relay.test"])], port: port).first?.ok == true)
                try await waitUntil("delivered") { events.events(kind: "delivered").count == 1 }
                #expect(events.events(kind: "delivered").map(\.queue) == ["relay.test/v1"])
                try await waitUntil("one message at c.test's MX") { cSink.messages == 1 }
                #expect(events.events(kind: "delivered").map(\.recipient) == ["someone@relay.test"])
            }
        }
        #expect(rollupSink.messages == 0)
    }

    @Test("reload: an mx-rollup-list added rolls up mail admitted afterwards; recipients queued before stay put",
          Peers.python3)
    func reloadAddsRollup() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let path = "\(dir)/sluice.conf"
        try await withDNSStub(zone: Self.zone) { dnsPort in
            func write(rollup: Bool) throws -> ConfigModel {
                let list = "<mx-rollup-list>\n    mx *.rollup-mx.test shared.rollup\n</mx-rollup-list>\n"
                let text = "dns-server 127.0.0.1:\(dnsPort)\n" + (rollup ? list : "")
                    + testConfiguration(spool: "\(dir)/spool", routes: [])
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                return try loadConfiguration(text)
            }
            // Nothing listens on the MX port, and both queues are held: everything stays queued.
            try await withNode(try write(rollup: false), dir: dir, mxPort: try freePort(), configurationPath: path) { node, _ in
                let client = ControlClient(socketPath: "\(dir)/c.sock", client: "test")
                for domain in ["a.test", "shared.rollup"] {
                    _ = try await client.send(.execute(.hold(domain: domain)), reason: "keep it queued")
                }
                let port = try #require(await node.smtpPorts.first)
                #expect(try await Injector.send([.init(to: ["x@a.test"])], port: port).first?.ok == true)
                _ = try write(rollup: true)
                _ = try await client.send(.execute(.reload), reason: "rollups")
                #expect(try await Injector.send([.init(to: ["y@a.test", "z@b.test"])], port: port).first?.ok == true)
                let queued = Dictionary(uniqueKeysWithValues: await node.snapshot().queues.map {
                    ("\($0.domain)/\($0.vmta)", $0.figures.queued)
                })
                #expect(queued == ["a.test/v1": 1, "shared.rollup/v1": 2])
            }
        }
    }

    /// The snapshot lists one held queue `shared.rollup/v1` with both rolled-up recipients and
    /// no queue of a.test or b.test; the rollup's settings come from `<domain shared.rollup>`.
    func expectRollupHolds(_ node: MailNode) async throws {
        let snapshot = await node.snapshot()
        let names = Set(snapshot.queues.map { "\($0.domain)/\($0.vmta)" })
        #expect(names.contains("shared.rollup/v1"))
        #expect(!names.contains { $0.hasPrefix("a.test/") || $0.hasPrefix("b.test/") || $0.hasPrefix("alias.test/") })
        let rollup = try #require(snapshot.queues.first { $0.domain == "shared.rollup" })
        #expect(rollup.figures.queued == 2)
        #expect(rollup.figures.held)
        let settings = try await node.settings(for: .queue(Self.rollupQueue))
        #expect(settings.entries.first { $0.name == "max-smtp-out" }?.value == "1")
        #expect(Set(settings.recipients.map(\.recipient)) == ["x@a.test", "y@B.test"])
    }
}
