import Foundation
import SluiceBase
import Testing
@testable import SluiceControlClient
@testable import SluiceControlProtocol
@testable import SluiceControlServer

@Suite("Table rendering")
struct RenderTests {
    @Test func queuesTableIsAlignedWithTotals() async {
        let snapshot = await FakeNode().snapshot()
        let text = ShowRenderer.queues(snapshot.queues)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("Queue "))
        #expect(lines[1].hasPrefix("gmail.com/vmta1"))
        #expect(lines[4].hasPrefix("total (3 queues)"))
        // Right-aligned numbers end in the same column as their header.
        let rcptEnd = lines[0].range(of: "Rcpt")!.upperBound.utf16Offset(in: lines[0])
        for line in lines.dropFirst() {
            let prefix = String(line.prefix(rcptEnd))
            #expect(prefix.last?.isNumber == true, "\(line)")
        }
        #expect(lines[4].contains("2440"))
        #expect(lines[1].contains("rate-limited: max-msg-rate 50/s (file.conf:41)"))
        #expect(lines[3].contains("421 4.7.0 [TSS04]"))
        #expect(!text.contains(" \n"), "no trailing spaces")
    }

    @Test("show queues lists the disabled source addresses with the time left, and --json carries them")
    func queuesListDisabledSources() async throws {
        var rows = await FakeNode().snapshot().queues
        let reply = "451 4.7.1 192.0.2.10 temporarily blocked"
        rows[0].disabledSources = [DisabledSourceRow(source: "192.0.2.10", destination: rows[0].domain, since: 1000,
                                                     until: 1600, reply: reply, patternList: "blocks")]
        let text = ShowRenderer.queues(rows, now: 1060)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("192.0.2.10") })
        #expect(line.contains(rows[0].domain) && line.contains(rows[0].name))
        #expect(line.contains("9m left") && line.hasSuffix(reply))
        #expect(!ShowRenderer.queues(Array(rows.dropFirst()), now: 1060).contains("Disabled source"))
        let json = try JSONEncoder().encode(rows[0])
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let first = try #require((object["disabled_sources"] as? [[String: Any]])?.first)
        #expect(first["source"] as? String == "192.0.2.10" && first["until"] as? Double == 1600)
        #expect(first["pattern_list"] as? String == "blocks")
        #expect(try JSONDecoder().decode(QueueRow.self, from: json) == rows[0])
        let plain = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(rows[1])) as? [String: Any])
        #expect(plain["disabled_sources"] == nil, "absent when none")
    }

    @Test("show domains: refused connections beside deferrals, oldest age, drain time and latency quantiles; JSON reads back")
    func domainsShowRefusalsAndTimeInQueue() async throws {
        var rows = await FakeNode().snapshot().domains
        var latency = LatencyHistogram()
        for _ in 0..<99 { latency.record(milliseconds: 1_500) }
        latency.record(milliseconds: 4_000_000)
        rows[0].figures.refused = 17
        rows[0].figures.oldestAgeS = 3_723
        rows[0].figures.drainS = 90
        rows[0].figures.latency = latency
        let lines = ShowRenderer.domains(rows).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: " ").map(String.init)
        #expect(Array(header.prefix(13)) == ["Domain", "Rcpt", "Dlvd", "Dfrd", "Refused", "Bncd", "Conn", "Dlvd/min", "Oldest",
                                              "Drain", "p50", "p95", "p99"])
        let cells = lines[1].split(separator: " ").map(String.init)
        #expect(cells[4] == "17")
        #expect(Array(cells[8...12]) == ["1h2m3s", "1m30s", "1s", "1s", "2s"],
                "99 of 100 within (1, 2] s: p50 and p95 inside it, p99 at its top")
        let other = lines[2].split(separator: " ")
        #expect([8, 10, 11, 12].allSatisfy { other[$0] == "-" }, "nothing waits, no outcome yet: dashes")
        let json = try JSONEncoder().encode(rows[0])
        #expect(try JSONDecoder().decode(DomainRow.self, from: json) == rows[0])
        var old = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        for key in ["refused_connections", "refused_connections_per_min", "oldest_queued_age_s", "drain_s", "latency"] { old[key] = nil }
        let decoded = try JSONDecoder().decode(DomainRow.self, from: try JSONSerialization.data(withJSONObject: old))
        #expect(decoded.figures.refused == 0 && decoded.figures.latency == nil && decoded.figures.oldestAgeS == nil,
                "a row from an older node reads without them")
    }

    @Test("show jobs: one line per job with progress and state, totals; the JSON reads back; a job target round-trips")
    func jobsTable() throws {
        let rows = [
            JobRow(name: "newsletter-2611", queued: 480, delivered: 510, deferred: 91, bounced: 6, deleted: 0, complained: 1,
                   suppressed: 12, progress: 0.517, deliveredPerMin: 142, paused: false, pausedBy: nil, firstSeen: 100, lastActivity: 200),
            JobRow(name: "winback", queued: 10, delivered: 0, deferred: 0, bounced: 0, deleted: 0, complained: 0, suppressed: 0,
                   progress: 0, deliveredPerMin: 0, paused: true, pausedBy: "#4 by console: complaints",
                   firstSeen: 100, lastActivity: 150),
        ]
        let lines = ShowRenderer.jobs(rows).split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("Job"))
        #expect(lines[1].contains("newsletter-2611") && lines[1].contains("51%") && lines[1].hasSuffix("sending"))
        #expect(lines[2].contains("0%") && lines[2].hasSuffix("paused #4 by console: complaints"))
        #expect(lines.last?.hasPrefix("total (2 jobs)") == true && lines.last?.contains("490") == true)
        let json = try controlJSONEncoder().encode(ControlResult.jobs(rows))
        #expect(String(decoding: json, as: UTF8.self).contains(#""delivered_per_min":142"#))
        struct JobsResult: Decodable {
            var result: ControlResult
            init(from decoder: any Decoder) throws { result = try ControlResult(decoding: .jobs, from: decoder) }
        }
        #expect(try JSONDecoder().decode(JobsResult.self, from: json).result == .jobs(rows))
        let target = try JSONDecoder().decode(ControlTarget.self, from: Data(#"{"job":"winback"}"#.utf8))
        #expect(target == .job("winback"))
        #expect(String(decoding: try JSONEncoder().encode(ControlTarget.job("winback")), as: UTF8.self) == #"{"job":"winback"}"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ControlTarget.self, from: Data(#"{"job":"two words"}"#.utf8)) }
    }

    @Test func domainsShowHeldState() async {
        let node = FakeNode()
        _ = try? await node.execute(.hold(domain: "gmail.com"),
                                    context: CommandContext(actor: .token("t"), reason: "r", issuedAt: 0, expiresAt: nil))
        let text = ShowRenderer.domains(await node.snapshot().domains)
        let gmail = text.split(separator: "\n").first { $0.hasPrefix("gmail.com") }
        #expect(gmail?.contains(" held ") == true)
        #expect(text.contains("total (2 domains)"))
    }

    @Test func statusListsFiguresAndControls() async throws {
        let node = FakeNode()
        _ = try await node.execute(.hold(domain: "yahoo.com"),
                                   context: CommandContext(actor: .socketPeer(uid: 1000, user: "alice", label: "cli"),
                                                           reason: "complaints", issuedAt: 1000, expiresAt: 1000 + 1800))
        let text = ShowRenderer.status(await node.snapshot().status, now: 1000 + 60)
        #expect(text.hasPrefix("node         mx1.test\n"))
        #expect(text.contains("uptime       1h2m3s\n"))
        #expect(text.contains("queued       2440 recipients\n"))
        #expect(text.contains("spool        1.0 GiB used, 50.0 GiB free\n"))
        #expect(text.contains("controls     1 active\n"))
        let control = try #require(text.split(separator: "\n").first { $0.hasPrefix("c1 ") })
        #expect(control.contains("alice (uid 1000) via cli"))
        #expect(control.contains("29m left"))
        #expect(control.hasSuffix("complaints"))
    }

    @Test func statusShowsTheReputationLoopWhenTheNodeReportsIt() async throws {
        var status = await FakeNode().snapshot().status
        #expect(!ShowRenderer.status(status, now: 1000).contains("reputation"))
        status.reputation = ReputationTotals(suppressed: 120, suppressedLastMinute: 3, dsnsSent: 40, dsnsLastMinute: 1,
                                             complaints: 57, asyncBounces: 4, reportsUnparsed: 2)
        #expect(ShowRenderer.status(status, now: 1000).contains(
            "reputation   120 suppressed (3 last min), 40 DSNs sent (1 last min), 57 complaints, 4 async bounces, 2 unreadable reports\n"))
    }

    @Test func vmtasAndSettingsAndControls() async throws {
        let snapshot = await FakeNode().snapshot()
        let vmtas = ShowRenderer.vmtas(snapshot.vmtas)
        #expect(vmtas.split(separator: "\n")[1].hasPrefix("vmta1 ") && vmtas.split(separator: "\n")[1].contains(" 127.0.0.10 "))
        #expect(vmtas.contains("gmail.com, yahoo.com"))
        #expect(vmtas.contains("total (2 vmtas)"))
        let settings = ShowRenderer.settings(SettingsSnapshot(queue: "gmail.com/vmta1", entries: [
            .init(name: "max-smtp-out", value: "20", origin: "default"), .init(name: "max-msg-rate", value: "40/s", origin: "console")]))
        #expect(settings == "Settings for gmail.com/vmta1\nDirective     Value  Origin\nmax-smtp-out  20     default\nmax-msg-rate  40/s   console\n")
        #expect(ShowRenderer.controls([], now: 0) == "no active controls\n")
    }

    @Test func controlCharactersFromRemoteRepliesAreNeutralised() {
        var table = TextTable([.init("A"), .init("B")])
        table.add(["x\u{1b}[2J", "550\r\nbad"])
        #expect(!table.render().contains("\u{1b}"))
        #expect(table.render().split(separator: "\n").count == 2)
    }

    @Test func formatting() {
        #expect(Formatting.duration(42) == "42s")
        #expect(Formatting.duration(3723) == "1h2m3s")
        #expect(Formatting.duration(90_000) == "1d1h")
        #expect(Formatting.duration(.infinity) == "-")
        #expect(Formatting.duration(1e300) != "")
        #expect(Formatting.decimal(12.46) == "12.5")
        #expect(Formatting.decimal(1e300) != "")
        #expect(Formatting.bytes(512) == "512 B")
        #expect(Formatting.bytes(1536) == "1.5 KiB")
        #expect(Formatting.remaining(until: nil, now: 0) == "-")
        #expect(Formatting.remaining(until: 10, now: 20) == "expired")
        #expect(Formatting.truncate("abcdef", 4) == "abc…")
    }

    @Test func jsonShapesAreTheDocumentedOnes() async throws {
        let snapshot = await FakeNode().snapshot()
        func object(_ r: ControlResult) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: controlJSONEncoder().encode(r)) as? [String: Any])
        }
        let status = try object(.status(snapshot.status))
        #expect(Set(["uptime_s", "queued", "in", "out", "connections", "controls"]).isSubset(of: Set(status.keys)))
        #expect((status["in"] as? [String: Any])?["per_s"] as? Double == 12.5)
        let domains = try #require(try object(.domains(snapshot.domains))["domains"] as? [[String: Any]])
        #expect(Set(["name", "queued", "delivered", "deferred", "bounced", "connections", "mode", "held", "why", "last_error"])
            .isSubset(of: Set(domains[0].keys)))
        let queues = try #require(try object(.queues(snapshot.queues))["queues"] as? [[String: Any]])
        #expect(queues[0]["name"] as? String == "gmail.com/vmta1")
        #expect(queues[0]["vmta"] as? String == "vmta1")
        #expect(queues[0]["paused"] as? Bool == false)
        let vmtas = try #require(try object(.vmtas(snapshot.vmtas))["vmtas"] as? [[String: Any]])
        #expect(vmtas[0]["source"] as? String == "127.0.0.10")
        // And a client decodes them back.
        let data = try controlJSONEncoder().encode(["id": 1] as [String: Int])
        #expect(!data.isEmpty)
    }

    @Test("show status: the fleet line, connected and degraded")
    func fleetLine() {
        let connected = FleetFigures(node: "a", state: "connected", degradedSince: nil, liveNodes: 3, throttles: "shared")
        #expect(ShowRenderer.fleetLine(connected) == "node a, connected, 3 live nodes, throttles shared")
        let degraded = FleetFigures(node: "a", state: "degraded", degradedSince: 3_600 * 12 + 4 * 60 + 31, liveNodes: 1,
                                    throttles: "fallback 1/1")
        #expect(ShowRenderer.fleetLine(degraded) == "node a, degraded since 12:04:31Z, 1 live node (last known), throttles fallback 1/1")
    }
}
