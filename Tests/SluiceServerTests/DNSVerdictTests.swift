import Foundation
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
    @Test("NXDOMAIN bounces the recipient at once with 550 5.1.2")
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
}
