import Foundation
import SluiceConfig
import SluiceControlProtocol
import SluiceServer
import SluiceSpool
import Testing

/// DSNs and VERP end to end over loopback: Python's smtplib injects, scripted peers (Python)
/// refuse or accept and record what they saw, Python's `email` package reads the DSN.
@Suite("DSNs and VERP end to end over loopback")
struct DSNEndToEndTests {
    /// Python's `email` package's view of a message: its type, report-type, and per part the
    /// type and, for message/delivery-status, the field blocks.
    static func parseWithPython(_ lines: [String], directory: String) async throws -> [String: Any] {
        let path = "\(directory)/dsn-\(UUID().uuidString.prefix(8)).eml"
        try Data((lines.joined(separator: "\r\n") + "\r\n").utf8).write(to: URL(fileURLWithPath: path))
        let script = #"""
import sys, json, email
from email import policy
with open(sys.argv[1], 'rb') as f:
    msg = email.message_from_bytes(f.read(), policy=policy.default)
out = {"content_type": msg.get_content_type(), "report_type": msg.get_param("report-type"),
       "to": str(msg["To"]), "defects": [type(d).__name__ for d in msg.defects], "parts": []}
for part in msg.iter_parts():
    p = {"content_type": part.get_content_type()}
    if part.get_content_type() == "message/delivery-status":
        p["blocks"] = [{k: str(v) for k, v in block.items()} for block in part.get_payload()]
    out["parts"].append(p)
print(json.dumps(out))
"""#
        let output = try await runPythonScript(script, argument: path, what: "python email")
        return try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
    }

    /// Runs `body` in a fresh directory with a peer for hard.test that refuses every recipient
    /// `550 5.1.1` and a recording MX for the senders' domain, origin.test.
    private func withRefusingPeers(_ body: (String, ScriptedPeer, ScriptedPeer) async throws -> Void) async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let refusing = try ScriptedPeer(script: .init(rcpt: "550 5.1.1 No such user here"), directory: dir)
        defer { refusing.stop() }
        let senderMX = try ScriptedPeer(directory: dir)
        defer { senderMX.stop() }
        try await body(dir, refusing, senderMX)
    }

    /// A node with DSNs on, routing hard.test and origin.test to those peers.
    private func configuration(spool: String, refusing: ScriptedPeer, senderMX: ScriptedPeer,
                               sourceSettings: String = "") throws -> ConfigModel {
        try loadConfiguration(testConfiguration(spool: spool, routes: [("hard.test", refusing.port), ("origin.test", senderMX.port)],
                                                sourceSettings: sourceSettings, dsns: true))
    }

    @Test("a recipient refused 550 5.1.1 gets the sender a DSN that Python reads as multipart/report with Final-Recipient, Action failed, Status 5.1.1 and Diagnostic-Code",
          Peers.python3)
    func bounceProducesDSN() async throws {
        try await withRefusingPeers { dir, refusing, senderMX in
            let config = try configuration(spool: "\(dir)/spool", refusing: refusing, senderMX: senderMX)
            try await withNode(config, directory: dir) { node, events in
                let port = try #require(await node.smtpPorts.first)
                let sent = try await Injector.send([.init(to: ["nobody@hard.test"], mailOptions: ["ENVID=job-7"])], port: port)
                #expect(sent.first?.ok == true)
                try await waitUntil("the DSN at the sender's MX") { !senderMX.sessions.flatMap(\.contents).isEmpty }
                try await waitUntil("the DSN delivered") { !events.events(kind: "delivered", domain: "origin.test").isEmpty }
                try await waitUntil("an empty spool") { node.spool.statistics().messages == 0 }
                let session = try #require(senderMX.sessions.first { !$0.contents.isEmpty })
                #expect(session.commands.contains("MAIL FROM:<>"))
                #expect(session.commands.contains("RCPT TO:<sender@origin.test>"))
                let parsed = try await Self.parseWithPython(try #require(session.contents.first), directory: dir)
                #expect(parsed["content_type"] as? String == "multipart/report")
                #expect(parsed["report_type"] as? String == "delivery-status")
                #expect((parsed["defects"] as? [String])?.isEmpty == true)
                let parts = try #require(parsed["parts"] as? [[String: Any]])
                #expect(parts.map { $0["content_type"] as? String } == ["text/plain", "message/delivery-status", "text/rfc822-headers"])
                let blocks = try #require(parts[1]["blocks"] as? [[String: String]])
                #expect(blocks.count == 2)
                #expect(blocks[0]["Reporting-MTA"] == "dns; node.test")
                #expect(blocks[0]["Original-Envelope-Id"] == "job-7")
                #expect(blocks[1]["Final-Recipient"] == "rfc822; nobody@hard.test")
                #expect(blocks[1]["Action"] == "failed")
                #expect(blocks[1]["Status"] == "5.1.1")
                #expect(blocks[1]["Diagnostic-Code"]?.hasPrefix("smtp; 550 5.1.1 No such user here") == true)
                let dsn = events.events(kind: "dsn")
                #expect(dsn.count == 1)
                #expect(dsn.first?.queue == "hard.test/v1" && dsn.first?.recipient == "nobody@hard.test")
                #expect(dsn.first?.dsnDiag == "DSN (failed) to sender@origin.test" && dsn.first?.category == "failed")
                #expect(dsn.first?.code == 0)
            }
        }
    }

    @Test("no DSN for NOTIFY=NEVER, for the null sender, nor for a source with suppress-local-dsn", Peers.python3)
    func noDSN() async throws {
        try await withRefusingPeers { dir, refusing, senderMX in
            let config = try configuration(spool: "\(dir)/spool", refusing: refusing, senderMX: senderMX)
            try await withNode(config, directory: dir) { node, events in
                let port = try #require(await node.smtpPorts.first)
                let sent = try await Injector.send([.init(to: ["never@hard.test"], rcptOptions: ["NOTIFY=NEVER"]),
                                                    .init(from: "", to: ["null@hard.test"])], port: port)
                #expect(sent.allSatisfy { $0.ok })
                try await waitUntil("both bounced") { events.events(kind: "bounced").count == 2 }
                // A DSN would be stored before its original leaves the spool.
                try await waitUntil("an empty spool") { node.spool.statistics().messages == 0 }
                #expect(events.events(kind: "dsn").isEmpty)
            }
            let suppressing = try configuration(spool: "\(dir)/spool2", refusing: refusing, senderMX: senderMX,
                                                sourceSettings: "suppress-local-dsn yes")
            try await withNode(suppressing, directory: dir) { node, events in
                let port = try #require(await node.smtpPorts.first)
                #expect(try await Injector.send([.init(to: ["x@hard.test"])], port: port).allSatisfy { $0.ok })
                try await waitUntil("bounced") { events.events(kind: "bounced").count == 1 }
                try await waitUntil("an empty spool") { node.spool.statistics().messages == 0 }
                #expect(events.events(kind: "dsn").isEmpty)
            }
            #expect(senderMX.sessions.flatMap(\.contents).isEmpty)
        }
    }

    @Test("NOTIFY, ORCPT, RET and ENVID go on to a peer that offers DSN (no DSN of ours); without DSN at the peer, NOTIFY=SUCCESS gets a relayed DSN",
          Peers.python3)
    func successPassedOnOrRelayed() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let dsnPeer = try ScriptedPeer(script: .init(offersDSN: true), directory: dir)
        defer { dsnPeer.stop() }
        let plainPeer = try ScriptedPeer(directory: dir)
        defer { plainPeer.stop() }
        let senderMX = try ScriptedPeer(directory: dir)
        defer { senderMX.stop() }
        let config = try loadConfiguration(testConfiguration(
            spool: "\(dir)/spool",
            routes: [("dsn.test", dsnPeer.port), ("plain.test", plainPeer.port), ("origin.test", senderMX.port)], dsns: true))
        try await withNode(config, directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            let options = ["NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;Orig+2Bx@dsn.test"]
            let sent = try await Injector.send([
                .init(to: ["u@dsn.test"], mailOptions: ["RET=HDRS", "ENVID=e+2B1"], rcptOptions: options),
                .init(to: ["u@plain.test"], rcptOptions: ["NOTIFY=SUCCESS"]),
            ], port: port)
            #expect(sent.allSatisfy { $0.ok })
            try await waitUntil("the relayed DSN delivered") { !events.events(kind: "delivered", domain: "origin.test").isEmpty }
            try await waitUntil("an empty spool") { node.spool.statistics().messages == 0 }
            let commands = dsnPeer.sessions.flatMap(\.commands)
            #expect(commands.contains("MAIL FROM:<sender@origin.test> RET=HDRS ENVID=e+2B1"))
            #expect(commands.contains("RCPT TO:<u@dsn.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Orig+2Bx@dsn.test"))
            #expect(plainPeer.sessions.flatMap(\.commands).contains("RCPT TO:<u@plain.test>"))
            let dsn = events.events(kind: "dsn")
            #expect(dsn.map(\.category) == ["relayed"])
            #expect(dsn.first?.recipient == "u@plain.test")
            let content = try #require(senderMX.sessions.flatMap(\.contents).first)
            let parsed = try await Self.parseWithPython(content, directory: dir)
            let blocks = try #require((parsed["parts"] as? [[String: Any]])?[1]["blocks"] as? [[String: String]])
            #expect(blocks[1]["Action"] == "relayed" && blocks[1]["Final-Recipient"] == "rfc822; u@plain.test")
        }
    }

    @Test("VERP: with verp-default, and with XVERP on MAIL FROM, the peer sees one transaction per recipient whose MAIL FROM encodes it",
          Peers.python3)
    func verp() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let peer = try ScriptedPeer(directory: dir)
        defer { peer.stop() }
        for (name, source, mailOptions) in [("default", "verp-default yes", [String]()), ("xverp", "", ["XVERP"])] {
            let config = try loadConfiguration(testConfiguration(
                spool: "\(dir)/spool-\(name)", routes: [("example.test", peer.port)], sourceSettings: source, dsns: true))
            try await withNode(config, directory: dir) { node, events in
                let port = try #require(await node.smtpPorts.first)
                let sent = try await Injector.send([.init(from: "bounces@origin.test", to: ["a+tag@example.test", "b@example.test"],
                                                          mailOptions: mailOptions)], port: port)
                #expect(sent.allSatisfy { $0.ok })
                try await waitUntil("both delivered") { events.events(kind: "delivered").count == 2 }
            }
        }
        let mails = peer.sessions.flatMap(\.commands).filter { $0.hasPrefix("MAIL FROM:") }
        #expect(mails.sorted() == ["MAIL FROM:<bounces+a+tag=example.test@origin.test>",
                                   "MAIL FROM:<bounces+a+tag=example.test@origin.test>",
                                   "MAIL FROM:<bounces+b=example.test@origin.test>",
                                   "MAIL FROM:<bounces+b=example.test@origin.test>"])
        #expect(peer.sessions.flatMap(\.transactions).allSatisfy { $0.count == 1 })
    }

    @Test("after a restart a queued message keeps its VERP sender, its DSN parameters and its DSNs", Peers.python3)
    func survivesRestart() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let peerPort = try freePort()
        let senderMX = try ScriptedPeer(directory: dir)
        defer { senderMX.stop() }
        let config = try loadConfiguration(testConfiguration(
            spool: "\(dir)/spool", routes: [("example.test", peerPort), ("origin.test", senderMX.port)],
            domainSettings: "retry-after 1s", dsns: true))
        try await withNode(config, directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            let sent = try await Injector.send([.init(to: ["ok@example.test", "gone@example.test"],
                                                      mailOptions: ["XVERP", "ENVID=run-1"],
                                                      rcptOptions: ["NOTIFY=SUCCESS,FAILURE"])], port: port)
            #expect(sent.allSatisfy { $0.ok })
            try await waitUntil("deferrals: the peer is down") { events.events(kind: "deferred").count >= 2 }
        }
        // The peer now offers DSN: it gets the parameters, and VERP senders, from the restored message.
        let peer = try ScriptedPeer(port: peerPort, script: .init(offersDSN: true), directory: dir)
        defer { peer.stop() }
        try await withNode(config, directory: dir) { node, _ in
            try await waitUntil("an empty spool") {
                node.spool.statistics().messages == 0 && peer.sessions.flatMap(\.contents).count == 2
            }
        }
        let commands = peer.sessions.flatMap(\.commands)
        #expect(commands.contains("MAIL FROM:<sender+ok=example.test@origin.test> ENVID=run-1"))
        #expect(commands.contains("MAIL FROM:<sender+gone=example.test@origin.test> ENVID=run-1"))
        #expect(commands.contains("RCPT TO:<ok@example.test> NOTIFY=SUCCESS,FAILURE"))
        #expect(senderMX.sessions.flatMap(\.contents).isEmpty, "the peer took the parameters: no DSN of ours")
    }
}
