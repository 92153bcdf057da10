import Foundation
import SluiceBase
import Testing
@testable import SluiceSpool

@Suite("Read-only inspection (sluice spool stats)")
struct InspectionTests {
    /// Every file under `path` with its size and modification time.
    private func snapshot(_ path: String) throws -> [String: String] {
        var out: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: path)
        while let name = enumerator?.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: path + "/" + name)
            out[name] = "\(attributes[.size] ?? "-") \(attributes[.modificationDate] ?? "-")"
        }
        return out
    }

    @Test("Counts messages, recipients, bytes and the oldest message without touching the spool")
    func statsAreReadOnly() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (spool, _) = try Spool.open(directory: dir.path, options: testOptions())
        let a = try await spool.accept(envelope(recipients: 3, at: 1_700_000_000_000), content: content(1, size: 100))
        _ = try await spool.accept(envelope(recipients: 2, at: 1_700_000_060_000), content: content(2, size: 50))
        let done = try await spool.accept(envelope(recipients: 1, at: 1_600_000_000_000), content: content(3, size: 70))
        try await spool.record([
            RecipientProgress(message: a, recipient: 0, outcome: .delivered, attempts: 1),
            RecipientProgress(message: done, recipient: 0, outcome: .bounced, attempts: 1),
        ])
        let live = spool.statistics()
        await spool.close()

        let before = try snapshot(dir.path)
        let inspection = try Spool.inspect(directory: dir.path)
        #expect(try snapshot(dir.path) == before)
        let s = inspection.statistics
        #expect(s == live)
        #expect(s.messages == 2 && s.recipients == 5 && s.pendingRecipients == 4 && s.contentBytes == 150)
        #expect(s.oldestReceivedAt == Instant(milliseconds: 1_700_000_000_000))
        #expect(s.segments == 1 && s.diskBytes > 150)

        let now = Instant(milliseconds: 1_700_003_723_000)   // 1h2m3s after the oldest
        let text = inspection.text(now: now)
        #expect(text.contains("messages    2\n"))
        #expect(text.contains("recipients  5 (4 undelivered)\n"))
        #expect(text.contains("oldest      2023-11-14T22:13:20Z (1h2m3s ago)\n"))
        let json = try JSONSerialization.jsonObject(with: Data(inspection.json(now: now).utf8)) as? [String: Any]
        #expect(json?["messages"] as? Int == 2)
        #expect(json?["undelivered_recipients"] as? Int == 4)
        #expect(json?["content_bytes"] as? Int == 150)
        #expect(json?["oldest_age_s"] as? Int == 3723)
        #expect(json?["spool"] as? String == dir.path)
    }

    @Test("A missing directory is an error, not an empty report")
    func missingDirectory() {
        #expect(throws: SpoolError.self) { _ = try Spool.inspect(directory: "/nonexistent/sluice-spool") }
    }
}
