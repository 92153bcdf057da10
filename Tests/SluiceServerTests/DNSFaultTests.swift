import Foundation
import SluiceConfig
import SluiceControlProtocol
import SluiceServer
import SluiceSpool
import Testing

/// DNS that fails for now — SERVFAIL, or a name server that never answers — defers the queue with
/// a clear diagnostic instead of bouncing, leaves nothing in flight, and delivers once DNS
/// answers again (the loopback stub plays the name server, smtp-sink the mail server).
@Suite("DNS failures and timeouts", .serialized)
struct DNSFaultTests {
    /// Starts a node that asks the stub at `dnsPort` and delivers to MX hosts on `mxPort`.
    private func withNode(dir: String, dnsPort: Int, mxPort: Int,
                          _ body: (MailNode, EventCollector) async throws -> Void) async throws {
        let config = try loadConfiguration("dns-server 127.0.0.1:\(dnsPort)\n"
            + testConfiguration(spool: "\(dir)/spool", routes: [], domainSettings: "    retry-after 1s\n    dns-timeout 3s"))
        var options = testOptions(directory: dir)
        options.mxPort = mxPort
        let node = try await MailNode.start(configuration: config, options: options)
        let events = EventCollector(node)
        do {
            try await body(node, events)
        } catch {
            await node.shutdown()
            throw error
        }
        await node.shutdown()
    }

    /// Injects one message for `recipient`, waits until its queue records a DNS failure, checks
    /// the failure is transient, then makes `domain` resolve to the sink and waits for delivery.
    private func deferThenDeliver(domain: String, failure: [String: Any]) async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let mxPort = try freePort()
        let sink = try await SinkProcess(port: mxPort, host: "127.0.0.2", directory: dir)
        defer { sink.stop() }
        try await withChangeableDNSStub(zone: [:]) { stub in
            try stub.set([domain: failure])
            try await withNode(dir: dir, dnsPort: stub.port, mxPort: mxPort) { node, events in
                let smtp = try #require(await node.smtpPorts.first)
                #expect(try await Injector.send([.init(to: ["u@\(domain)"])], port: smtp).first?.ok == true)

                try await waitUntil("the queue's DNS failure", timeout: 60) {
                    await node.snapshot().queues.contains { $0.domain == domain && !$0.figures.lastError.isEmpty }
                }
                let queue = try #require(await node.snapshot().queues.first { $0.domain == domain })
                #expect(queue.figures.lastError.contains("DNS lookup for \(domain) failed"),
                        "lastError: \(queue.figures.lastError)")
                #expect(events.events(kind: "bounced").isEmpty, "a DNS failure for now is not a bounce")
                #expect(events.events(kind: "delivered").isEmpty)
                // The failed lookup holds no connection and leaves the recipient queued, not in flight.
                try await waitUntil("no delivery connection open") {
                    await node.snapshot().status.connections.out == 0
                }
                #expect(await node.snapshot().status.queued == 1)

                // DNS answers again: the next retry delivers.
                try stub.set([domain: ["mx": [[10, "mx.\(domain)"]]], "mx.\(domain)": ["a": ["127.0.0.2"]]])
                try await waitUntil("delivered once DNS answers", timeout: 60) {
                    !events.events(kind: "delivered", domain: domain).isEmpty
                }
                try await waitUntil("one message at the sink") { sink.messages == 1 }
                #expect(events.events(kind: "bounced").isEmpty)
            }
        }
        #expect(try Spool.inspect(directory: "\(dir)/spool").statistics.messages == 0)
    }

    @Test("SERVFAIL defers with \"DNS lookup … failed\", never bounces, and delivers once DNS answers",
          Peers.smtpSink, Peers.python3)
    func serverFailureDefers() async throws {
        try await deferThenDeliver(domain: "servfail.test", failure: ["rcode": 2])
    }

    @Test("a name server that never answers times out, defers, and delivery follows once it answers",
          Peers.smtpSink, Peers.python3)
    func silentNameServerDefers() async throws {
        try await deferThenDeliver(domain: "silent.test", failure: ["drop": true])
    }
}
