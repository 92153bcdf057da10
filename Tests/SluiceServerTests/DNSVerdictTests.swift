import Foundation
import SluiceControlProtocol
import SluiceDNS
import SluiceServer
import SluiceSpool
import Testing

/// Answers every query with NXDOMAIN.
struct NonexistentDomains: DNSQuerying {
    func query(_ name: String, type: DNSRecordType) async -> DNSQueryResult {
        // Header only: QR, RD, RA set, RCODE 3 (name error), no records.
        do { return .response(try DNSMessage(parsing: [0, 1, 0x81, 0x83, 0, 0, 0, 0, 0, 0, 0, 0])) } catch {
            return .failed("\(error)")
        }
    }
}

/// A domain that does not exist bounces at once, with no retry.
@Suite("DNS verdicts")
struct DNSVerdictTests {
    @Test("NXDOMAIN bounces the recipient at once with 550 5.1.2", Peers.python3)
    func nonexistentDomainBounces() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        var options = testOptions(directory: dir)
        options.dnsQuerying = NonexistentDomains()
        let node = try await MailNode.start(
            configuration: try loadConfiguration(testConfiguration(spool: "\(dir)/spool", routes: [])), options: options)
        let events = EventCollector(node)
        do {
            let port = try #require(await node.smtpPorts.first)
            let results = try await Injector.send([.init(to: ["u@nx.test"])], port: port)
            #expect(results.allSatisfy { $0.ok })
            try await waitUntil("the bounce") { !events.events(domain: "nx.test").isEmpty }
            let bounce = try #require(events.events(domain: "nx.test").first)
            #expect(bounce.kind == "bounced")
            #expect(bounce.code == 550)
            #expect(bounce.dsnDiag.contains("5.1.2"))
            #expect(bounce.category == "bad-domain")
        } catch {
            await node.shutdown()
            throw error
        }
        await node.shutdown()
        #expect(try Spool.inspect(directory: "\(dir)/spool").statistics.messages == 0)
    }

    /// Sends one message to `recipient` through a node configured with `extra` and the stub as
    /// its name server, and returns the bounce it produces.
    private func bounce(of recipient: String, extra: String) async throws -> EventRecord? {
        try await withDNSStub { port in
            let dir = try makeTemporaryDirectory()
            defer { removeDirectory(dir) }
            let config = try loadConfiguration("dns-server 127.0.0.1:\(port)\n\(extra)\n"
                + testConfiguration(spool: "\(dir)/spool", routes: []))
            #expect(config.dnsServer?.port == port)
            // No dnsQuerying override: the node's own SystemResolver, pointed at the stub.
            let node = try await MailNode.start(configuration: config, options: testOptions(directory: dir))
            let events = EventCollector(node)
            do {
                let smtp = try #require(await node.smtpPorts.first)
                #expect(try await Injector.send([.init(to: [recipient])], port: smtp).first?.ok == true)
                try await waitUntil("the bounce") { !events.events(kind: "bounced").isEmpty }
                await node.shutdown()
                return events.events(kind: "bounced").first
            } catch {
                await node.shutdown()
                throw error
            }
        }
    }

    @Test("dns-server sends the node's lookups to that name server: the loopback stub's NXDOMAIN bounces at once",
          Peers.python3)
    func dnsServerIsUsed() async throws {
        let bounced = try await bounce(of: "u@nosuch.stub.test", extra: "")
        #expect(bounced?.dsnDiag.contains("5.1.2") == true)
    }

    @Test("bounce-upon-no-mx: a domain with an address but no MX bounces instead of being tried at its address",
          Peers.python3)
    func bounceUponNoMX() async throws {
        let bounced = try await bounce(of: "u@host.stub.test",
                                       extra: "<domain host.stub.test>\n    bounce-upon-no-mx yes\n</domain>")
        #expect(bounced?.dsnDiag.contains("5.1.2") == true)
        #expect(bounced?.dsnDiag.contains("has no MX record (bounce-upon-no-mx)") == true)
    }
}
