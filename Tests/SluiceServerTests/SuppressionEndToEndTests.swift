import Foundation
import SluiceBase
import SluiceConfig
import SluiceControlClient
import SluiceServer
import SluiceSuppression
import Testing

/// The suppression list on a running node, over loopback SMTP with smtp-sink peers.
@Suite("Suppression end to end")
struct SuppressionEndToEndTests {
    private func acctFile(_ dir: String) -> String { "<acct-file \(dir)/acct.csv>\n    records r,d,b\n</acct-file>\n" }

    /// The rows of `type` in the accounting file, as PowerMTA's columns by name.
    private func rows(_ dir: String, type: String = "b") -> [[String: String]] {
        accountingRows("\(dir)/acct.csv").filter { $0["type"] == type }
    }

    @Test("a delivery answered 550 5.1.1 suppresses the recipient: the next injection to it gets 550 5.7.1 at RCPT",
          Peers.smtpSink, Peers.python3)
    func hardBounceSuppresses() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let bad = try await SinkProcess(port: try freePort(), options: ["-f", "RCPT", "-B", "550 5.1.1 No such user"], directory: dir)
        defer { bad.stop() }
        let text = testConfiguration(spool: "\(dir)/spool", routes: [("bad.test", bad.port)]) + acctFile(dir)
        try await withNode(try loadConfiguration(text), directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            let first = try await Injector.send([.init(to: ["Gone@bad.test"])], port: port)
            #expect(first.first?.ok == true)
            try await waitUntil("the bounce") { events.events(kind: "bounced").count == 1 }
            let second = try await Injector.send([.init(to: ["gone@BAD.test"])], port: port)
            #expect(second.first?.refusalCode("gone@BAD.test") == 550)
            guard case .text(let reply)? = second.first?.refused?["gone@BAD.test"]?.last else {
                Issue.record("no refusal text: \(second)")
                return
            }
            #expect(reply.hasPrefix("5.7.1 Recipient address suppressed (bad-mailbox)"))
            let suppressed = try #require(events.events(kind: "suppressed").first)
            #expect(suppressed.queue == "bad.test/" && suppressed.code == 550 && suppressed.category == "bad-mailbox")
            #expect(suppressed.dsnDiag == "550 5.7.1 Recipient address suppressed (bad-mailbox)")
            // A client without relaying rights learns nothing more than `Relaying denied`; no event.
            let foreign = try await Injector.send([.init(to: ["gone@bad.test"])], port: port, source: "127.0.0.2")
            guard case .text(let denied)? = foreign.first?.refused?["gone@bad.test"]?.last else {
                Issue.record("no refusal: \(foreign)")
                return
            }
            #expect(denied == "5.7.1 Relaying denied")
            #expect(events.events(kind: "suppressed").count == 1)
        }
        // Written to the file by the node's writer, with the record that caused it.
        let entries = try SuppressionStore(path: "\(dir)/spool/suppression.sqlite").entries(for: "gone@bad.test")
        #expect(entries.count == 1)
        #expect(entries.first?.scope == .global && entries.first?.reason == "bad-mailbox")
        #expect(entries.first?.source.hasPrefix("b 20") == true && entries.first?.source.hasSuffix(" bad.test/v1") == true)
    }

    @Test("action drop: the suppressed recipient is accepted, then dropped with a b record of category suppressed",
          Peers.smtpSink, Peers.python3)
    func dropMode() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try FileManager.default.createDirectory(atPath: "\(dir)/spool", withIntermediateDirectories: true)
        let store = try SuppressionStore(path: "\(dir)/spool/suppression.sqlite")
        try store.add([SuppressionEntry(address: "gone@good.test", reason: "complaint:abuse", source: "manual test",
                                        time: Instant(milliseconds: 1_764_930_672_000))])
        let good = try await SinkProcess(port: try freePort(), directory: dir)
        defer { good.stop() }
        let text = testConfiguration(spool: "\(dir)/spool", routes: [("good.test", good.port)]) + acctFile(dir)
            + "<suppression>\n    action drop\n</suppression>\n"
        try await withNode(try loadConfiguration(text), directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            let results = try await Injector.send([.init(to: ["gone@good.test", "ok@good.test"]), .init(to: ["gone@good.test"])],
                                                  port: port)
            #expect(results.map(\.ok) == [true, true])
            #expect(results.allSatisfy { $0.refused?.isEmpty ?? true })
            try await waitUntil("the delivery") { events.events(kind: "delivered").count == 1 }
            #expect(events.events(kind: "delivered").map(\.recipient) == ["ok@good.test"])
            #expect(events.events(kind: "suppressed").map(\.queue) == ["good.test/v1", "good.test/v1"])
        }
        let bounces = rows(dir)
        #expect(bounces.count == 2)
        for row in bounces {
            #expect(row["rcpt"] == "gone@good.test" && row["bounceCat"] == "suppressed" && row["dsnStatus"] == "5.7.1")
            #expect(row["dsnDiag"]?.hasPrefix("550 5.7.1 Recipient address suppressed (complaint:abuse): global entry added "
                                              + "2025-12-05T10:31:12Z by manual test") == true, "\(row)")
        }
        // The dropped recipient's b record did not suppress anything more, and the message of
        // the second transaction (all recipients dropped) was never received into the spool.
        #expect(try store.stats().total == 1)
        #expect(rows(dir, type: "r").map { $0["rcpt"] } == ["ok@good.test"])
    }

    @Test("an entry added by another process (the CLI) takes effect on the running node within seconds; job entries apply after DATA",
          Peers.smtpSink, Peers.python3)
    func otherProcessAndJobEntries() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let good = try await SinkProcess(port: try freePort(), directory: dir)
        defer { good.stop() }
        let text = testConfiguration(spool: "\(dir)/spool", routes: [("good.test", good.port)]) + acctFile(dir)
        try await withNode(try loadConfiguration(text), directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            let cli = try SuppressionStore(path: "\(dir)/spool/suppression.sqlite")
            try await waitUntil("the node's filter") { node.suppression.store?.filterStatus.ready == true }
            try cli.add([SuppressionEntry(address: "later@good.test", reason: "manual", source: "sluice suppress add",
                                          time: Instant(milliseconds: 1_764_930_672_000)),
                         SuppressionEntry(address: "jobbed@good.test", scope: .job("spring"), reason: "manual",
                                          source: "sluice suppress add", time: Instant(milliseconds: 1_764_930_672_000))])
            try await waitUntil("the node to see the CLI's entry") {
                node.suppression.check(recipient: "later@good.test", sender: "a@origin.test", jobID: nil) != nil
            }
            let results = try await Injector.send([
                .init(to: ["later@good.test"]),
                .init(to: ["jobbed@good.test"], headers: "X-Job: spring\r\n"),
                .init(to: ["jobbed@good.test"], headers: "X-Job: autumn\r\n"),
            ], port: port)
            #expect(results[0].refusalCode("later@good.test") == 550)
            #expect(results[1].ok && results[2].ok)
            try await waitUntil("the autumn delivery") { events.events(kind: "delivered").count == 1 }
            #expect(events.events(kind: "suppressed").map(\.recipient) == ["later@good.test", "jobbed@good.test"])
            let jobs = await node.snapshot().jobs
            #expect(jobs.first { $0.name == "spring" }?.suppressed == 1, "the job's recipient dropped after DATA")
            #expect(jobs.first { $0.name == "autumn" }?.delivered == 1)
        }
        let bounces = rows(dir)
        #expect(bounces.map { [$0["rcpt"], $0["bounceCat"], $0["jobId"]] } == [["jobbed@good.test", "suppressed", "spring"]])
    }

    @Test("reload switches reject to drop and turns the list off, for the next RCPT", Peers.smtpSink, Peers.python3)
    func reloadChangesTheAction() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let good = try await SinkProcess(port: try freePort(), directory: dir)
        defer { good.stop() }
        let path = "\(dir)/sluice.conf"
        func write(_ block: String) throws -> ConfigModel {
            try (testConfiguration(spool: "\(dir)/spool", routes: [("good.test", good.port)]) + block)
                .write(toFile: path, atomically: true, encoding: .utf8)
            let loaded = ConfigLoader.load(path: path)
            if let error = loaded.errors.first { throw TestError("bad test configuration: \(error)") }
            return loaded.model
        }
        var options = testOptions(directory: dir)
        options.configurationPath = path
        let node = try await MailNode.start(configuration: try write(""), options: options)
        let events = EventCollector(node)
        do {
            let port = try #require(await node.smtpPorts.first)
            let client = ControlClient(socketPath: "\(dir)/c.sock", client: "cli")
            node.suppression.suppress(recipient: "gone@good.test", reason: "bad-mailbox", source: "test", sender: nil, jobID: nil,
                                      time: Instant(milliseconds: 1_764_930_672_000))
            #expect(try await Injector.send([.init(to: ["gone@good.test"])], port: port)[0].refusalCode("gone@good.test") == 550)
            _ = try write("<suppression>\n    action drop\n</suppression>\n")
            _ = try await client.send(.execute(.reload), reason: "drop instead")
            let dropped = try await Injector.send([.init(to: ["gone@good.test"])], port: port)[0]
            #expect(dropped.ok && (dropped.refused?.isEmpty ?? true))
            _ = try write("<suppression>\n    enabled no\n</suppression>\n")
            _ = try await client.send(.execute(.reload), reason: "off")
            #expect(try await Injector.send([.init(to: ["gone@good.test"])], port: port)[0].ok)
            try await waitUntil("the delivery with the list off") { events.events(kind: "delivered").count == 1 }
            #expect(events.events(kind: "suppressed").map(\.queue) == ["good.test/", "good.test/v1"])
        } catch {
            await node.shutdown()
            throw error
        }
        await node.shutdown()
    }
}
