import Foundation
import SluiceBase
import Testing
@testable import SluiceServer

/// The index of sent messages (SQLite) and the report inbox (files), on a temporary directory.
@Suite("Sent-message index and report inbox")
struct SentMessageIndexTests {
    private func message(_ id: UInt64, messageID: String, envelopeID: String = "", sender: String = "news@origin.test",
                         recipients: [String], at ms: Int64) -> SentMessage {
        SentMessage(id: MessageID(id), messageID: messageID, envelopeID: envelopeID, sender: sender, recipients: recipients,
                    jobID: "job\(id)", vmta: "v1", receivedAt: Instant(milliseconds: ms))
    }

    @Test("messages are found by Message-ID, ENVID and recipient (newest first), across a reopen")
    func lookups() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let clock = VirtualClock(Instant(milliseconds: 5_000))
        do {
            let index = try SentMessageIndex(path: "\(dir)/sent.sqlite", clock: clock, log: { _ in })
            index.add(message(1, messageID: "a@o.test", envelopeID: "E1", recipients: ["ann@a.test", "bob@b.test"], at: 1_000))
            index.add(message(2, messageID: "b@o.test", recipients: ["ann@a.test"], at: 2_000))
            index.add(message(3, messageID: "c@o.test", sender: "other@o.test", recipients: ["ann@a.test"], at: 3_000))
            index.flushNow()
        }
        let index = try SentMessageIndex(path: "\(dir)/sent.sqlite", clock: clock, log: { _ in })
        let first = try #require(index.find(messageID: "a@o.test", envelopeID: nil))
        #expect(first.id == MessageID(1) && first.recipients == ["ann@a.test", "bob@b.test"] && first.jobID == "job1")
        #expect(index.find(messageID: "b@o.test", envelopeID: "E1")?.id == MessageID(1))
        #expect(index.find(messageID: "missing@o.test", envelopeID: "E9") == nil)
        #expect(index.find(recipient: "ANN@a.test", sender: nil)?.id == MessageID(3))
        #expect(index.find(recipient: "ann@a.test", sender: "NEWS@origin.test")?.id == MessageID(2))
        #expect(index.find(recipient: "zed@z.test", sender: nil) == nil)
    }

    @Test("messages older than the retention are forgotten")
    func retention() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let clock = VirtualClock(Instant(milliseconds: 1_000))
        let index = try SentMessageIndex(path: "\(dir)/sent.sqlite", retention: .hours(1), clock: clock, log: { _ in })
        index.add(message(1, messageID: "old@o.test", recipients: ["ann@a.test"], at: 1_000))
        index.flushNow()
        clock.advance(by: .hours(2))
        index.add(message(2, messageID: "new@o.test", recipients: ["bob@b.test"], at: clock.now().milliseconds))
        index.flushNow()
        #expect(index.find(messageID: "old@o.test", envelopeID: nil) == nil)
        #expect(index.find(recipient: "ann@a.test", sender: nil) == nil)
        #expect(index.find(messageID: "new@o.test", envelopeID: nil)?.recipients == ["bob@b.test"])
    }

    @Test("a stored report keeps its envelope and bytes; unparsed ones move aside with their reason")
    func inbox() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let inbox = try ReportInbox(spoolDirectory: dir)
        let envelope = ReportInbox.Envelope(processor: "bounce-processor", sender: "", recipients: ["b+x=y.test@node.test"],
                                            receivedAt: 42, client: "127.0.0.1", virtualMTA: "v1")
        let content = Array("Subject: x\r\n\r\n\u{0}\u{FF}binary\r\n".utf8)
        let path = try inbox.store(envelope, content: content)
        #expect(inbox.waiting() == [path])
        let stored = try inbox.read(path)
        #expect(stored.envelope == envelope && stored.content == content)
        let kept = inbox.keepUnparsed(path, reason: "no machine-readable part")
        #expect(inbox.waiting().isEmpty)
        #expect(FileManager.default.fileExists(atPath: kept))
        #expect(try String(contentsOfFile: kept + ".reason", encoding: .utf8) == "no machine-readable part\n")
    }

    @Test("unparsed/ keeps the newest reports past its limit, each with its reason")
    func unparsedLimit() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let inbox = try ReportInbox(spoolDirectory: dir)
        var kept: [String] = []
        for time in Int64(1)...3 {
            let path = try inbox.store(ReportInbox.Envelope(processor: "bounce-processor", sender: "", recipients: ["b@node.test"],
                                                            receivedAt: 1_000 + time, client: "127.0.0.1"),
                                       content: Array("junk \(time)\r\n".utf8))
            kept.append(inbox.keepUnparsed(path, reason: "junk \(time)", keeping: 2))
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: inbox.unparsedDirectory).sorted()
        #expect(names == [kept[1], kept[1] + ".reason", kept[2], kept[2] + ".reason"].map { ($0 as NSString).lastPathComponent }.sorted())
    }
}
