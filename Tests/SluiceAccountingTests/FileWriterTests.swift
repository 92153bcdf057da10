import Foundation
import Testing
import SluiceConfig
@testable import SluiceCore
@testable import SluiceAccounting

@Suite("Accounting file writer")
struct FileWriterTests {
    func file(_ directory: URL, records: Set<AccountingRecordType> = Set(AccountingRecordType.allCases),
              maxSize: Int64? = nil, moveInterval: TimeSpan? = nil, moveTo: String? = nil,
              deleteAfter: Expiry = .never) -> AccountingFile {
        var file = AccountingFile(path: directory.appendingPathComponent("acct.csv").path,
                                  location: SourceLocation(file: "test.conf", line: 1, column: 1))
        file.records = records
        file.maxSize = maxSize.map { ByteSize(bytes: $0) }
        file.moveInterval = moveInterval
        file.moveTo = moveTo
        file.deleteAfter = deleteAfter
        return file
    }

    func record(_ outcome: DeliveryRecord.Outcome, _ n: Int, at time: Instant = novemberAfternoon) -> AccountingRecord {
        AccountingRecord(deliveryRecord(outcome, recipient: "user\(n)@example.com", time: time), context: connectedContext)
    }

    @Test func recordsFilterKeepsOnlyChosenTypesAndHeaderOnce() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = AccountingFileWriter(file(dir, records: [.delivered, .bounced]))
        #expect(try writer.write(record(.delivered, 1), now: novemberAfternoon))
        #expect(try !writer.write(record(.deferred, 2), now: novemberAfternoon))
        #expect(try writer.write(record(.bounced, 3), now: novemberAfternoon))
        try writer.tick(now: novemberAfternoon + .seconds(1))
        #expect(try writer.write(record(.delivered, 4), now: novemberAfternoon + .seconds(1)))
        try writer.close(now: novemberAfternoon + .seconds(2))
        let rows = try lines(dir.appendingPathComponent("acct.csv").path)
        #expect(rows.count == 4)
        #expect(rows[0] + "\r\n" == AccountingCSV.header(AccountingField.columns(for: [.delivered, .bounced])))
        #expect(rows.dropFirst().map { $0.prefix(2) } == ["d,", "b,", "d,"])
        #expect(rows.filter { $0.hasPrefix("type,") }.count == 1)
    }

    @Test func rowsAreBufferedUntilTheTick() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("acct.csv").path
        let writer = AccountingFileWriter(file(dir))
        try writer.write(record(.delivered, 1), now: novemberAfternoon)
        #expect(try lines(path).count == 1, "only the header is on disk before the tick")
        try writer.tick(now: novemberAfternoon + .seconds(1))
        #expect(try lines(path).count == 2)
    }

    @Test func reopeningAppendsUnderTheSameHeaderAndRotatesAForeignOne() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("acct.csv").path
        let first = AccountingFileWriter(file(dir))
        try first.write(record(.delivered, 1), now: novemberAfternoon)
        try first.close(now: novemberAfternoon)
        let second = AccountingFileWriter(file(dir))
        try second.write(record(.delivered, 2), now: novemberAfternoon + .minutes(1))
        try second.close(now: novemberAfternoon + .minutes(1))
        #expect(try lines(path).count == 3)
        #expect(try sortedNames(dir) == ["acct.csv"])

        let narrower = AccountingFileWriter(file(dir, records: [.bounced]))
        try narrower.write(record(.bounced, 3), now: novemberAfternoon + .minutes(2))
        try narrower.close(now: novemberAfternoon + .minutes(2))
        #expect(try sortedNames(dir) == ["acct-2026-11-23-1506.csv", "acct.csv"])
        #expect(try lines(dir.appendingPathComponent("acct-2026-11-23-1506.csv").path).count == 3)
        let rows = try lines(path)
        #expect(rows.count == 2)
        #expect(rows[0] + "\r\n" == AccountingCSV.header(AccountingField.columns(for: [.bounced])))
    }

    @Test func sizeRotationKeepsEveryFileUnderMaxSizeAndLosesNoRow() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let columns = AccountingField.columns(for: Set(AccountingRecordType.allCases))
        let headerSize = AccountingCSV.header(columns).utf8.count
        let rowSize = AccountingCSV.row(record(.delivered, 1), columns: columns).utf8.count
        let maxSize = Int64(headerSize + 3 * rowSize)
        let writer = AccountingFileWriter(file(dir, maxSize: maxSize))
        for n in 1...10 {
            try writer.write(record(.delivered, n), now: novemberAfternoon + .seconds(Int64(n)))
        }
        try writer.close(now: novemberAfternoon + .seconds(11))
        let names = try sortedNames(dir)
        #expect(names == ["acct-2026-11-23-1504-1.csv", "acct-2026-11-23-1504-2.csv", "acct-2026-11-23-1504.csv", "acct.csv"])
        var recipients: [String] = []
        for name in names {
            let path = dir.appendingPathComponent(name).path
            let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).int64Value
            #expect(size <= maxSize, "\(name)")
            let rows = try lines(path)
            #expect(rows.first?.hasPrefix("type,timeLogged,") == true)
            #expect(rows.dropFirst().allSatisfy { !$0.hasPrefix("type,") })
            recipients += try rows.dropFirst().map { try parseCSV($0 + "\r\n")[0][4] }
        }
        #expect(Set(recipients) == Set((1...10).map { "user\($0)@example.com" }))
        #expect(recipients.count == 10)
    }

    @Test func timeRotationAtIntervalBoundariesIntoMoveTo() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let old = dir.appendingPathComponent("old")
        let writer = AccountingFileWriter(file(dir, moveInterval: .minutes(5), moveTo: old.path))
        let t0 = CivilTime.instant(year: 2026, month: 11, day: 23, hour: 15, minute: 2)
        try writer.write(record(.delivered, 1), now: t0)
        try writer.tick(now: t0 + .minutes(2))  // 15:04, before the 15:05 boundary
        #expect(!FileManager.default.fileExists(atPath: old.path))
        try writer.tick(now: t0 + .minutes(3) + .seconds(1))  // 15:05:01
        #expect(try sortedNames(old) == ["acct-2026-11-23-1505.csv"])
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("acct.csv").path),
                "no new file until a row arrives")
        try writer.tick(now: t0 + .minutes(9))  // 15:11: nothing to rotate
        #expect(try sortedNames(old) == ["acct-2026-11-23-1505.csv"])
        try writer.write(record(.delivered, 2), now: t0 + .minutes(9))
        try writer.write(record(.delivered, 3), now: t0 + .minutes(13) + .seconds(30))  // 15:15:30: rotates first
        try writer.close(now: t0 + .minutes(14))
        #expect(try sortedNames(old) == ["acct-2026-11-23-1505.csv", "acct-2026-11-23-1515.csv"])
        #expect(try lines(old.appendingPathComponent("acct-2026-11-23-1505.csv").path).count == 2)
        #expect(try lines(old.appendingPathComponent("acct-2026-11-23-1515.csv").path).count == 2)
        let current = try lines(dir.appendingPathComponent("acct.csv").path)
        #expect(current.count == 2)
        #expect(current[1].contains("user3@example.com"))
    }

    @Test func deleteAfterRemovesOldRotatedFilesOnRotation() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["acct-2026-11-20-0000.csv", "acct-2026-11-23-0900.csv", "keep-me.txt"] {
            #expect(FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data("x\r\n".utf8)))
        }
        let writer = AccountingFileWriter(file(dir, moveInterval: .hours(1), deleteAfter: .after(.days(1))))
        try writer.write(record(.delivered, 1), now: novemberAfternoon)
        try writer.tick(now: novemberAfternoon + .hours(1))
        #expect(try sortedNames(dir) == ["acct-2026-11-23-0900.csv", "acct-2026-11-23-1604.csv", "keep-me.txt"])
    }

    @Test func unwritableDirectoryKeepsRowsUntilItWorks() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let blocker = dir.appendingPathComponent("logs")
        #expect(FileManager.default.createFile(atPath: blocker.path, contents: Data()))  // a file where a directory should be
        var config = file(dir)
        config.path = blocker.appendingPathComponent("acct.csv").path
        let writer = AccountingFileWriter(config)
        #expect(throws: AccountingError.self) { try writer.write(record(.delivered, 1), now: novemberAfternoon) }
        #expect(throws: AccountingError.self) { try writer.tick(now: novemberAfternoon + .seconds(1)) }
        try FileManager.default.removeItem(at: blocker)
        try writer.tick(now: novemberAfternoon + .seconds(2))
        let rows = try lines(config.path)
        #expect(rows.count == 2)
        #expect(rows[1].contains("user1@example.com"))
    }

    @Test func logFansOutByRecordType() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var deliveries = file(dir, records: [.delivered])
        deliveries.path = dir.appendingPathComponent("delivered.csv").path
        var problems = file(dir, records: [.bounced, .transient])
        problems.path = dir.appendingPathComponent("problems.csv").path
        let log = AccountingLog(files: [deliveries, problems])
        for (n, outcome) in [DeliveryRecord.Outcome.delivered, .deferred, .bounced, .delivered].enumerated() {
            try log.write(record(outcome, n), now: novemberAfternoon)
        }
        try log.close(now: novemberAfternoon)
        #expect(try lines(deliveries.path).dropFirst().map { $0.prefix(2) } == ["d,", "d,"])
        #expect(try lines(problems.path).dropFirst().map { $0.prefix(2) } == ["t,", "b,"])
    }
}
