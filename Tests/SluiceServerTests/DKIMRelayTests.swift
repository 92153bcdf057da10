import Foundation
import SluiceConfig
import SluiceControlClient
import SluiceControlProtocol
import SluiceCore
import SluiceDKIM
import SluiceServer
import Testing

/// DKIM end to end: smtplib injects into a running node, smtp-sink keeps each message as it
/// arrived, dkimpy verifies the signatures with the public keys the test hands it.
@Suite("DKIM signing end to end over loopback")
struct DKIMRelayTests {
    /// A relay whose vmta `v1` holds `keys` (`domain-key` lines), with `signed.test` and
    /// `refuse.test` signing and `plain.test` not.
    static func configuration(spool: String, sinkPort: Int, keys: [String]) -> String {
        """
        host-name node.test
        spool \(spool)
        <source 127.0.0.1>
            always-allow-relaying yes
            default-virtual-mta v1
        </source>
        <virtual-mta v1>
            smtp-source-host 127.0.0.1 node.test
        \(keys.map { "    domain-key \($0)" }.joined(separator: "\n"))
        </virtual-mta>
        <domain signed.test>
            route [127.0.0.1]:\(sinkPort)
            dkim-sign yes
        </domain>
        <domain refuse.test>
            route [127.0.0.1]:\(sinkPort)
            dkim-sign yes
            dkim-missing-key refuse
        </domain>
        <domain plain.test>
            route [127.0.0.1]:\(sinkPort)
        </domain>

        """
    }

    static func from(_ address: String, to recipient: String) -> Injector.Message {
        Injector.Message(to: [recipient], headers: "From: News <\(address)>\r\nTo: <\(recipient)>\r\n"
                                                   + "Date: Fri, 04 Dec 2026 10:00:00 +0000\r\n")
    }

    @Test("a domain with dkim-sign yes arrives signed and verifies; one without arrives unsigned",
          Peers.smtpSink, Peers.python3, Peers.dkimpy)
    func signedAndUnsigned() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let (rsa, rsaPath) = try DKIMFixtures.writeKey(.rsa, named: "s1.brand", in: dir)
        let (ed25519, edPath) = try DKIMFixtures.writeKey(.ed25519, named: "e1.esp", in: dir)
        let dump = "\(dir)/dump"
        let sink = try await SinkProcess(port: try freePort(), options: try DKIMFixtures.dumpOptions(dump), directory: dir)
        defer { sink.stop() }
        let text = Self.configuration(spool: "\(dir)/spool", sinkPort: sink.port,
                                      keys: ["s1,brand.test,\(rsaPath)", "e1,esp.test,\(edPath)"])
            .replacingOccurrences(of: "    dkim-missing-key refuse", with: "    second-dkim-sign yes\n    second-dkim-identity @esp.test")
        try await withNode(try loadConfiguration(text), directory: dir) { node, _ in
            let port = try #require(await node.smtpPorts.first)
            let results = try await Injector.send([
                Self.from("news@brand.test", to: "a@signed.test"),
                Self.from("news@brand.test", to: "b@plain.test"),
                Self.from("news@mail.brand.test", to: "c@refuse.test"),  // parent domain's key, and the ESP's second
            ], port: port)
            #expect(results.allSatisfy { $0.ok })
            try await waitUntil("three messages at the sink") { DKIMFixtures.dumped(in: dump).count >= 3 }

            let settings = try await node.settings(for: .queue(QueueKey(domain: "signed.test", vmta: "v1")))
            let dkim = try #require(settings.dkim)
            #expect(dkim.signed == 1)
            #expect(dkim.unsigned == 0)
            #expect(dkim.lastKey == "s1._domainkey.brand.test")
            #expect(dkim.signing.first?.contains("s1._domainkey.brand.test (rsa-2048, \(rsaPath))") == true)
            let plain = try await node.settings(for: .queue(QueueKey(domain: "plain.test", vmta: "v1")))
            #expect(plain.dkim?.signing == ["not signed (dkim-sign no)"])
        }
        let messages = DKIMFixtures.dumped(in: dump)
        let signed = try #require(messages.first { $0.recipients.contains("a@signed.test") })
        let unsigned = try #require(messages.first { $0.recipients.contains("b@plain.test") })
        let twice = try #require(messages.first { $0.recipients.contains("c@refuse.test") })
        #expect(DKIMFixtures.isSigned(signed.bytes))
        #expect(!DKIMFixtures.isSigned(unsigned.bytes))
        let records = ["s1._domainkey.brand.test": DKIMKeyRecord(publishing: rsa).text,
                       "e1._domainkey.esp.test": DKIMKeyRecord(publishing: ed25519).text]
        #expect(try DKIMFixtures.verify([signed.bytes, twice.bytes], records: records) == [[true], [true, true]])
        let header = String(decoding: twice.bytes, as: UTF8.self)
        #expect(header.contains("d=brand.test"))
        #expect(header.contains("d=esp.test"))
        #expect(header.contains("a=ed25519-sha256"))
    }

    @Test("no key for the From domain: sent unsigned and counted, or refused with 451 under dkim-missing-key refuse",
          Peers.smtpSink, Peers.python3)
    func missingKey() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let (_, path) = try DKIMFixtures.writeKey(.ed25519, named: "s1.brand", in: dir)
        let dump = "\(dir)/dump"
        let sink = try await SinkProcess(port: try freePort(), options: try DKIMFixtures.dumpOptions(dump), directory: dir)
        defer { sink.stop() }
        let text = Self.configuration(spool: "\(dir)/spool", sinkPort: sink.port, keys: ["s1,brand.test,\(path)"])
        try await withNode(try loadConfiguration(text), directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            let results = try await Injector.send([
                Self.from("news@elsewhere.test", to: "a@signed.test"),
                Self.from("news@elsewhere.test", to: "b@refuse.test"),
            ], port: port)
            #expect(results[0].ok)
            #expect(!results[1].ok)
            #expect(results[1].code == 451)
            try await waitUntil("the unsigned message at the sink") { DKIMFixtures.dumped(in: dump).count >= 1 }
            try await waitUntil("a dkim-unsigned event") { !events.events(kind: "dkim-unsigned").isEmpty }
            let event = try #require(events.events(kind: "dkim-unsigned").first)
            #expect(event.queue == "signed.test/v1")
            #expect(event.dsnDiag.contains("elsewhere.test"))
            let dkim = try #require(try await node.settings(for: .queue(QueueKey(domain: "signed.test", vmta: "v1"))).dkim)
            #expect(dkim.signed == 0)
            #expect(dkim.unsigned == 1)
            #expect(dkim.lastMissing.contains("no domain-key for elsewhere.test"))
        }
        let messages = DKIMFixtures.dumped(in: dump)
        #expect(messages.count == 1)
        #expect(messages.allSatisfy { !DKIMFixtures.isSigned($0.bytes) })
    }

    @Test("reload picks up a rotated key for new mail; queued mail keeps its signature",
          Peers.smtpSink, Peers.python3, Peers.dkimpy)
    func reloadRotatesKeys() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let (old, oldPath) = try DKIMFixtures.writeKey(.rsa, named: "s1.brand", in: dir)
        let (new, newPath) = try DKIMFixtures.writeKey(.rsa, named: "s2.brand", in: dir)
        let dump = "\(dir)/dump"
        let sink = try await SinkProcess(port: try freePort(), options: try DKIMFixtures.dumpOptions(dump), directory: dir)
        defer { sink.stop() }
        let path = "\(dir)/sluice.conf"
        func write(_ key: String) throws -> ConfigModel {
            try Self.configuration(spool: "\(dir)/spool", sinkPort: sink.port, keys: [key])
                .write(toFile: path, atomically: true, encoding: .utf8)
            let loaded = ConfigLoader.load(path: path)
            if let error = loaded.errors.first { throw TestError("bad test configuration: \(error)") }
            return loaded.model
        }
        var options = testOptions(directory: dir)
        options.configurationPath = path
        let node = try await MailNode.start(configuration: try write("s1,brand.test,\(oldPath)"), options: options)
        do {
            let port = try #require(await node.smtpPorts.first)
            let client = ControlClient(socketPath: "\(dir)/c.sock", client: "cli")
            _ = try await client.send(.execute(.hold(domain: "signed.test")), reason: "keep the first one queued")
            #expect(try await Injector.send([Self.from("news@brand.test", to: "held@signed.test")], port: port)[0].ok)

            _ = try write("s2,brand.test,\(newPath)")
            _ = try await client.send(.execute(.reload), reason: "rotate to s2")
            #expect(try await Injector.send([Self.from("news@brand.test", to: "new@signed.test")], port: port)[0].ok)
            _ = try await client.send(.execute(.release(domain: "signed.test")), reason: "release")
            try await waitUntil("both messages at the sink") { DKIMFixtures.dumped(in: dump).count >= 2 }
        } catch {
            await node.shutdown()
            throw error
        }
        await node.shutdown()
        let messages = DKIMFixtures.dumped(in: dump)
        let held = try #require(messages.first { $0.recipients.contains("held@signed.test") })
        let fresh = try #require(messages.first { $0.recipients.contains("new@signed.test") })
        #expect(String(decoding: held.bytes, as: UTF8.self).contains("s=s1;"))
        #expect(String(decoding: fresh.bytes, as: UTF8.self).contains("s=s2;"))
        let records = ["s1._domainkey.brand.test": DKIMKeyRecord(publishing: old).text,
                       "s2._domainkey.brand.test": DKIMKeyRecord(publishing: new).text]
        #expect(try DKIMFixtures.verify([held.bytes, fresh.bytes], records: records) == [[true], [true]])
    }
}
