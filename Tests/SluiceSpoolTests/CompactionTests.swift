import Foundation
import SluiceBase
import Testing
@testable import SluiceSpool

@Suite("Segment rolling and compaction")
struct CompactionTests {
    @Test("A long-lived message does not pin old segments: it is rewritten with its state")
    func compactionMovesLiveMessages() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let options = testOptions(segmentSize: 8192, compactAfterSegments: 3)
        let keeper: MessageID
        do {
            let (spool, _) = try Spool.open(directory: dir.path, options: options)
            keeper = try await spool.accept(envelope(recipients: 2), content: content(0, size: 1000))
            try await spool.record([
                RecipientProgress(message: keeper, recipient: 0, outcome: .delivered, attempts: 1),
                RecipientProgress(message: keeper, recipient: 1, outcome: .deferred(nextAttempt: Instant(milliseconds: 42_000)), attempts: 3),
            ])
            for n in 1...80 {
                let id = try await spool.accept(envelope(), content: content(n, size: 1000))
                try await spool.record([RecipientProgress(message: id, recipient: 0, outcome: .delivered, attempts: 1)])
                #expect(try segmentPaths(dir.path).count <= 4)
            }
            #expect(try spool.content(of: keeper) == content(0, size: 1000))
            await spool.close()
        }
        // The first segment is long gone; the message moved forward with its state.
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/segments/00000001.seg"))
        let (spool, report) = try Spool.open(directory: dir.path, options: options)
        defer { Task { await spool.close() } }
        #expect(report.warnings.isEmpty)
        #expect(report.messages.map(\.message.id) == [keeper])
        let recipients = try #require(report.messages.first?.recipients)
        #expect(recipients.map(\.isDone) == [true, false])
        #expect(recipients[1].attempts == 3 && recipients[1].nextAttempt == Instant(milliseconds: 42_000))
        #expect(try spool.content(of: keeper) == content(0, size: 1000))
    }
}
