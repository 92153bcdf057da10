import Foundation
import SluiceConfig
import SluiceControlProtocol
import SluiceControlServer
import SluiceCore
import SluiceServer
import Testing

/// The `<blocklist-watch>` on a running node, its lookups answered by the loopback DNS stub
/// (dns_stub.py, its table changed while the node runs), its rounds on a ``VirtualClock``.
@Suite("Blocklist watch on a node, against a loopback DNS stub")
struct BlocklistEndToEndTests {
    static let interval = TimeSpan.minutes(5)

    static func configuration(dir: String, dnsPort: Int) throws -> ConfigModel {
        try loadConfiguration("""
            host-name node.test
            spool \(dir)/spool
            control-socket \(dir)/c.sock
            dns-server 127.0.0.1:\(dnsPort)
            <virtual-mta v1>
                smtp-source-host 127.0.0.10 v1.test
            </virtual-mta>
            <warmup-schedule new-ip>
                start-rate 5/s
                daily-increase 10%
                ceiling 20/s
            </warmup-schedule>
            <virtual-mta v2>
                smtp-source-host 127.0.0.11 v2.test
                warmup-schedule new-ip
            </virtual-mta>
            <blocklist-watch>
                zone zen.spamhaus.org action=pause
                zone bl.stub.test action=pause command="/bin/sh \(dir)/record.sh"
                interval 5m
            </blocklist-watch>
            """)
    }

    /// `sluice show vmtas --json` against the node's control socket, as a script reads it.
    static func showVMTAs(socket: String) throws -> [String: [String: Any]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DescriptorExhaustionTests.sluicePath)
        process.arguments = ["show", "vmtas", "--json", "--socket", socket]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let rows = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["vmtas"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: rows.compactMap { row in (row["name"] as? String).map { ($0, row) } })
    }

    static func pauses(_ node: MailNode) async -> [ControlInfo] {
        await node.snapshot().status.controls.filter { $0.kind == .pause }
    }

    @Test("listed → event and pause within one interval, listings in show vmtas --json; 127.255.255.254 → refused, no pause; delisted → resumed; an operator's pause is left alone")
    func listedRefusedCleared() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: DescriptorExhaustionTests.sluicePath),
                     "sluice not found next to the tests; run `swift build --build-tests` first")
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        // The zone's command appends its event and arguments to a file.
        try "echo \"$SLUICE_BLOCKLIST_EVENT $*\" >> \(dir)/commands.log\n".write(toFile: "\(dir)/record.sh", atomically: true,
                                                                                 encoding: .utf8)
        try await withChangeableDNSStub(zone: ["10.0.0.127.zen.spamhaus.org": ["a": ["127.255.255.254"]]]) { stub in
            let clock = VirtualClock()
            var options = testOptions(directory: dir)
            options.clock = clock
            let node = try await MailNode.start(configuration: try Self.configuration(dir: dir, dnsPort: stub.port),
                                                options: options)
            let events = EventCollector(node)
            do {
                // Round 1 at start: v1's query refused (Spamhaus's "public resolver" answer): reported, no pause.
                try await waitUntil("the refusal reported") { !events.events(kind: "blocklist-refused").isEmpty }
                let refused = try #require(events.events(kind: "blocklist-refused").first)
                #expect(refused.queue == "*/v1" && refused.category == "zen.spamhaus.org" && refused.recipient == "127.0.0.10")
                #expect(refused.dsnDiag.contains("127.255.255.254") && refused.dsnDiag.contains("refused"))
                #expect(await Self.pauses(node).isEmpty)
                #expect(events.events(kind: "blocklist-listed").isEmpty)
                #expect(await node.snapshot().vmtas.allSatisfy { $0.listings.isEmpty && !$0.paused })

                // v2 gets listed: the next round (one interval later) reports it and pauses v2.
                try stub.set(["11.0.0.127.bl.stub.test": ["a": ["127.0.0.2"]]])
                clock.advance(by: Self.interval)
                try await waitUntil("v2 paused") { await node.snapshot().vmtas.first { $0.name == "v2" }?.paused == true }
                let listed = try #require(events.events(kind: "blocklist-listed").first)
                #expect(listed.queue == "*/v2" && listed.category == "bl.stub.test" && listed.dsnDiag.contains("127.0.0.2"))
                let pause = try #require(await Self.pauses(node).first)
                #expect(pause.target == "v2" && pause.who == "blocklist-watch")
                #expect(pause.why.contains("bl.stub.test") && pause.why.contains("127.0.0.2"))
                let shown = try Self.showVMTAs(socket: "\(dir)/c.sock")
                #expect(shown["v2"]?["paused"] as? Bool == true)
                let listings = try #require(shown["v2"]?["listings"] as? [[String: Any]])
                #expect(listings.count == 1 && listings.first?["zone"] as? String == "bl.stub.test"
                        && listings.first?["answer"] as? String == "127.0.0.2")
                #expect((shown["v1"]?["listings"] as? [Any])?.isEmpty == true && shown["v1"]?["paused"] as? Bool == false)
                #expect(events.events(kind: "blocklist-refused").count == 1, "a refusal that persists is reported once")
                // A warming vmta's schedule holds while it is listed.
                #expect(await node.warmupStatus().first { $0.vmta == "v2" }?.held == "listed on a blocklist")
                try await waitUntil("the command run") {
                    (try? String(contentsOfFile: "\(dir)/commands.log", encoding: .utf8)) == "listed v2 127.0.0.11 bl.stub.test 127.0.0.2\n"
                }

                // Delisted: the next round resumes v2.
                try stub.set(["11.0.0.127.bl.stub.test": NSNull()])
                clock.advance(by: Self.interval)
                try await waitUntil("v2 resumed") { await Self.pauses(node).isEmpty }
                #expect(events.events(kind: "blocklist-cleared").map(\.queue) == ["*/v2"])
                #expect(await node.warmupStatus().first { $0.vmta == "v2" }?.held != "listed on a blocklist")
                #expect(await node.snapshot().vmtas.allSatisfy { $0.listings.isEmpty && !$0.paused })

                // An operator's pause of v2 is not the watch's: listed again and cleared, it stays.
                _ = try await node.execute(.pause(target: .vmta("v2")), context: CommandContext(
                    actor: .socketPeer(uid: 0, user: "alice", label: "cli"), reason: "maintenance", issuedAt: 0, expiresAt: nil))
                try stub.set(["11.0.0.127.bl.stub.test": ["a": ["127.0.0.3"]]])
                clock.advance(by: Self.interval)
                try await waitUntil("listed again") { events.events(kind: "blocklist-listed").count == 2 }
                try stub.set(["11.0.0.127.bl.stub.test": NSNull()])
                clock.advance(by: Self.interval)
                try await waitUntil("cleared again") { events.events(kind: "blocklist-cleared").count == 2 }
                #expect(await Self.pauses(node).map(\.who) == ["alice (uid 0) via cli"])
            } catch {
                await node.shutdown()
                throw error
            }
            await node.shutdown()
        }
    }
}
