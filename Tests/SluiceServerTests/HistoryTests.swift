import Foundation
import SluiceConfig
import SluiceControlProtocol
import SluiceCore
import SluiceSMTP
@testable import SluiceServer
import Testing

/// The 24-hour history: the book (pure), its file in the spool, and a node recording it on
/// virtual time and finding it again after a restart.
@Suite("History: a frame a minute for 24 hours, kept in the spool")
struct HistoryTests {
    static func frame(_ minute: Int64, delivered: Int = 1, domain: String = "a.test") -> HistoryFrame {
        HistoryFrame(minute: minute, total: HistoryRow(name: "", delivered: delivered),
                     domains: [HistoryRow(name: domain, queued: 3, delivered: delivered)])
    }

    @Test("the book keeps one frame a minute for a day, in order, finds the frame at or before a minute and fills idle minutes with zeros")
    func book() {
        var book = HistoryBook()
        for m in Int64(0)..<2000 where m % 7 != 3 { book.append(Self.frame(m, delivered: Int(m))) }
        #expect(book.frames.count <= 1440)
        let oldest: Int64 = 1999 - 1439
        #expect(book.frames.first.map { $0.minute == oldest } == true)
        #expect(book.frames.map(\.minute) == book.frames.map(\.minute).sorted())
        book.append(Self.frame(1990, delivered: -1))   // the same minute again replaces it
        #expect(book.frames.filter { $0.minute == 1990 }.map(\.total.delivered) == [-1])
        #expect(book.frame(atOrBefore: 1999)?.minute == 1999)
        #expect(book.frame(atOrBefore: 1998)?.minute == 1997, "1998 was not recorded (m % 7 == 3)")
        #expect(book.frame(atOrBefore: 100) == nil)
        #expect(book.frame(atOrBefore: .max)?.minute == 1999 && book.frame(atOrBefore: .min) == nil, "any minute a client sends")
        let points = book.series(.domain, "a.test", since: 1994, until: 1999)
        #expect(points.map(\.minute) == [1994, 1995, 1996, 1997, 1998, 1999])
        #expect(points.map(\.row.delivered) == [1994, 1995, 1996, 1997, 0, 1999])
        #expect(book.series(.vmta, "a.test", since: 1994, until: 1995).allSatisfy { $0.row.isIdle })
    }

    @Test("a frame from a snapshot: the last minute's rates as counts, queued, state words, idle rows left out, totals summed")
    func frameFromSnapshot() {
        func figures(queued: Int, dlv: Double, def: Double, held: Bool = false) -> QueueFigures {
            QueueFigures(queued: queued, delivered: 0, deferred: 0, bounced: 0, connections: 0, deliveredPerMin: dlv,
                         deferredPerMin: def, bouncedPerMin: 0, rateLimit: "", mode: "normal", held: held, paused: false, why: "",
                         lastError: "", refusedPerMin: 2)
        }
        let status = StatusSnapshot(node: "n", uptimeS: 0, queued: 0, in: .init(msgs: 0, perS: 0),
                                    out: .init(delivered: 0, deferred: 0, bounced: 0, perS: 0, deferredPerS: 0, bouncedPerS: 0),
                                    connections: .init(in: 0, out: 0), spool: .init(bytes: 0, freeBytes: 0), controls: [],
                                    history: .init(in: [], out: []))
        let snapshot = NodeSnapshot(status: status, domains: [
            DomainRow(name: "a.test", figures: figures(queued: 10, dlv: 59.6, def: 3)),
            DomainRow(name: "held.test", figures: figures(queued: 0, dlv: 0, def: 0, held: true)),
        ], queues: [], vmtas: [VMTARow(name: "v1", source: "", paused: false, connections: 0, queued: 0, deliveredPerMin: 0,
                                       deferredPerMin: 0, busiestDomains: [])])
        let frame = HistoryFrame(minute: 7, snapshot: snapshot)
        #expect(frame.domains == [HistoryRow(name: "a.test", queued: 10, delivered: 60, deferred: 3, refused: 2),
                                  HistoryRow(name: "held.test", refused: 2, state: "HELD")])
        #expect(frame.vmtas.isEmpty, "an idle vmta is left out")
        #expect(frame.total == HistoryRow(name: "", queued: 10, delivered: 60, deferred: 3, refused: 4))
        let json = String(decoding: try! JSONEncoder().encode(frame.domains[0]), as: UTF8.self)
        #expect(!json.contains("\"b\""), "zeros are left out: \(json)")
    }

    @Test("the file: appended a line a minute, read back skipping a damaged line, rewritten with the day kept after two days of lines")
    func file() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        var history = NodeHistory(spoolDirectory: dir, now: Instant(milliseconds: 0))
        for m in Int64(0)..<3 { history.record(Self.frame(m), log: { Issue.record("\($0)") }) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: history.file.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"m\":3,\"t\":{\"n\":\"\",\"q\":1}".utf8) + Data("\n".utf8))   // cut short by a crash
        try handle.close()
        var reloaded = NodeHistory(spoolDirectory: dir, now: Instant(milliseconds: 4 * 60_000))
        let (frames, lines) = reloaded.file.load()
        #expect(lines == 4)
        reloaded.restore(frames, lines: lines)
        #expect(reloaded.book.frames.map(\.minute) == [0, 1, 2])
        #expect(reloaded.due(at: Instant(milliseconds: 4 * 60_000 + 500)) == nil, "minute 3 was before the restart")
        #expect(reloaded.due(at: Instant(milliseconds: 5 * 60_000 + 500)) == 4)

        for m in Int64(4)..<3000 { reloaded.record(Self.frame(m), log: { Issue.record("\($0)") }) }
        let written = try String(contentsOfFile: reloaded.file.path, encoding: .utf8).split(separator: "\n").count
        #expect(written <= 2 * 1440, "rewritten: \(written) lines")
        #expect(reloaded.file.load().frames.suffix(1440).map(\.minute) == Array(Int64(3000 - 1440)..<3000))
    }

    @Test("a node records a minute's deferrals and backoff, answers frames and series, and finds them again after a restart")
    func nodeRecordsAndRestores() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let clock = VirtualClock()
        let stormEnds = clock.now() + .minutes(5)
        let transport = InMemoryTransport(clock: clock) { domain, now in
            domain == "storm.test" && now < stormEnds ? .reply(SMTPReply(421, "4.7.0", "try later")) : .accept
        }
        let options = NodeOptions(smtpListeners: [], controlSocketPath: "", auditLogPath: "", transport: transport, clock: clock,
                                  log: { _ in })
        let config = try loadConfiguration(NodeVirtualTimeTests.configuration(spool: "\(dir)/spool"))
        let node = try await MailNode.start(configuration: config, options: options)
        for n in 0..<5 {
            try await admitDirectly(node, to: "s\(n)@storm.test", at: clock)
            try await admitDirectly(node, to: "f\(n)@free.test", at: clock)
        }
        let start = HistoryFrame.minute(of: clock.now())
        try await drive(clock, node, until: "three minutes recorded", limit: .minutes(5)) {
            await node.historyFrame(atOrBefore: .max)?.minute ?? 0 >= start + 2
        }
        let first = try #require(await node.historyFrame(atOrBefore: start))
        #expect(first.domains.first { $0.name == "free.test" }?.delivered == 5)
        let storm = try #require(first.domains.first { $0.name == "storm.test" })
        #expect(storm.deferred >= 5 && storm.state == "BACKOFF" && storm.queued == 5)
        let series = await node.historySeries(.domain, "storm.test")
        #expect(series.count == 1440)
        #expect(series.last?.minute == start + 2)
        #expect(series.filter { $0.row.state == "BACKOFF" }.count >= 3)
        await node.shutdown()

        let again = try await MailNode.start(configuration: config, options: options)
        try await waitUntil("the frames back from the spool") { await again.historyFrame(atOrBefore: start) == first }
        await again.shutdown()
    }
}
