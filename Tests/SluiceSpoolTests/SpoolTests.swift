import Foundation
import SluiceBase
import Testing
@testable import SluiceSpool

@Suite("Spool accept, progress and recovery")
struct SpoolTests {
    @Test("Accepted messages come back after a restart with envelope, DSN parameters and content")
    func acceptAndRecover() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var ids: [MessageID] = []
        do {
            let (spool, report) = try Spool.open(directory: dir.path, options: testOptions())
            #expect(report.messages.isEmpty)
            for n in 0..<5 { ids.append(try await spool.accept(envelope(recipients: 2, at: Int64(1000 + n)), content: content(n))) }
            #expect(ids == ids.sorted())
            #expect(try spool.content(of: ids[3]) == content(3))
            await spool.close()
        }
        let (spool, report) = try Spool.open(directory: dir.path, options: testOptions())
        defer { Task { await spool.close() } }
        #expect(report.warnings.isEmpty)
        #expect(report.messages.map(\.message.id) == ids)
        let third = try #require(report.messages.dropFirst(2).first)
        #expect(third.envelope == envelope(recipients: 2, at: 1002))
        #expect(third.message.recipients == ["user0@example.com", "user1@example.com"])
        #expect(third.message.size == content(2).count)
        #expect(third.pending.count == 2)
        #expect(try spool.content(of: ids[2]) == content(2))
        #expect(report.nextMessageID > ids[4])
    }

    @Test("Only undelivered recipients come back, with their attempts and next retry time")
    func progressSurvivesRestart() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (first, second): (MessageID, MessageID)
        do {
            let (spool, _) = try Spool.open(directory: dir.path, options: testOptions())
            first = try await spool.accept(envelope(recipients: 3), content: content(1))
            second = try await spool.accept(envelope(recipients: 1), content: content(2))
            try await spool.record([
                RecipientProgress(message: first, recipient: 0, outcome: .delivered, attempts: 1),
                RecipientProgress(message: first, recipient: 1, outcome: .deferred(nextAttempt: Instant(milliseconds: 60_000)), attempts: 1),
                RecipientProgress(message: second, recipient: 0, outcome: .delivered, attempts: 1),
            ])
            try await spool.record([RecipientProgress(message: first, recipient: 1, outcome: .deferred(nextAttempt: Instant(milliseconds: 120_000)), attempts: 2)])
            #expect(throws: SpoolError.unknownMessage(second)) { _ = try spool.content(of: second) }
            await spool.close()
        }
        let (spool, report) = try Spool.open(directory: dir.path, options: testOptions())
        defer { Task { await spool.close() } }
        #expect(report.messages.map(\.message.id) == [first])
        #expect(report.finishedMessages == 1)
        let recipients = try #require(report.messages.first?.recipients)
        #expect(recipients.map(\.isDone) == [true, false, false])
        #expect(recipients[1].attempts == 2)
        #expect(recipients[1].nextAttempt == Instant(milliseconds: 120_000))
        #expect(recipients[2].attempts == 0 && recipients[2].nextAttempt == nil)
        #expect(report.pendingRecipients == 2)
    }

    @Test("Finished messages are removed and ids keep increasing across restarts")
    func finishedAreReclaimed() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var last = MessageID(0)
        for round in 0..<3 {
            let (spool, report) = try Spool.open(directory: dir.path, options: testOptions())
            #expect(report.messages.isEmpty)
            #expect(report.nextMessageID > last)
            let id = try await spool.accept(envelope(), content: content(round))
            #expect(id > last)
            last = id
            try await spool.record([RecipientProgress(message: id, recipient: 0, outcome: .delivered, attempts: 1)])
            await spool.close()
        }
        // Each open starts a segment and deletes older ones with nothing live: one remains.
        #expect(try segmentPaths(dir.path).count == 1)
    }

    @Test("Concurrent accepts share commits and all survive")
    func concurrentAccepts() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let ids: [MessageID]
        do {
            let (spool, _) = try Spool.open(directory: dir.path, options: testOptions())
            ids = try await withThrowingTaskGroup(of: [MessageID].self) { group in
                for writer in 0..<20 {
                    group.addTask {
                        var mine: [MessageID] = []
                        for n in 0..<10 { mine.append(try await spool.accept(envelope(), content: content(writer * 100 + n))) }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            await spool.close()
        }
        #expect(Set(ids).count == 200)
        let (spool, report) = try Spool.open(directory: dir.path, options: testOptions())
        defer { Task { await spool.close() } }
        #expect(Set(report.messages.map(\.message.id)) == Set(ids))
    }

    @Test("Below the free-space minimum new mail is refused while progress is still recorded")
    func insufficientSpace() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let free = FreeSpace(10 << 20)
        let options = testOptions(free: { _ in free.bytes }, minimum: 5 << 20)
        let (spool, _) = try Spool.open(directory: dir.path, options: options)
        defer { Task { await spool.close() } }
        let id = try await spool.accept(envelope(recipients: 2), content: content(1))
        free.bytes = 4 << 20
        await #expect(throws: SpoolError.insufficientSpace(freeBytes: 4 << 20, minimumBytes: 5 << 20)) {
            _ = try await spool.accept(envelope(), content: content(2))
        }
        try await spool.record([RecipientProgress(message: id, recipient: 0, outcome: .delivered, attempts: 1)])
        #expect(spool.statistics().pendingRecipients == 1)
        #expect(try spool.content(of: id) == content(1))
        free.bytes = 6 << 20
        _ = try await spool.accept(envelope(), content: content(3))
        #expect(spool.statistics().messages == 2)
    }

    @Test("A second process cannot open a spool in use")
    func exclusiveLock() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (spool, _) = try Spool.open(directory: dir.path, options: testOptions())
        // flock locks belong to the open file description, so a second open in-process conflicts too.
        #expect(throws: SpoolError.locked(path: dir.path)) { _ = try Spool.open(directory: dir.path, options: testOptions()) }
        await spool.close()
    }

    @Test("After close, accept is refused")
    func closedRefuses() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (spool, _) = try Spool.open(directory: dir.path, options: testOptions())
        await spool.close()
        await #expect(throws: SpoolError.closed) { _ = try await spool.accept(envelope(), content: content(1)) }
    }
}

/// A settable free-space figure for the injected probe.
final class FreeSpace: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64
    init(_ value: Int64) { self.value = value }
    var bytes: Int64 {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
