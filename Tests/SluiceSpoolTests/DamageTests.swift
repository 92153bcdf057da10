import Foundation
import SluiceCore
import Testing
@testable import SluiceSpool

@Suite("Damaged spool files")
struct DamageTests {
    /// Writes `count` one-recipient messages in one segment, closes, and returns the ids and the
    /// segment's path.
    private func populate(_ dir: String, count: Int) async throws -> ([MessageID], String) {
        let (spool, _) = try Spool.open(directory: dir, options: testOptions())
        var ids: [MessageID] = []
        for n in 0..<count { ids.append(try await spool.accept(envelope(), content: content(n))) }
        await spool.close()
        let path = try #require(try segmentPaths(dir).last)
        return (ids, path)
    }

    /// Offsets of the message records in a segment, in order.
    private func recordOffsets(_ path: String) throws -> [Int] {
        let data = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        var offsets: [Int] = []
        data.withUnsafeBytes { raw in
            SegmentScanner.scan(raw, file: path, record: { type, _, offset, _ in
                if type == RecordType.message.rawValue { offsets.append(offset) }
            }, warn: { _ in })
        }
        return offsets
    }

    @Test("A torn tail is skipped with a warning naming the file and offset")
    func truncatedTail() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (ids, path) = try await populate(dir.path, count: 5)
        let last = try #require(try recordOffsets(path).last)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.truncate(atOffset: UInt64(last + 40))
        try handle.close()

        let (spool, report) = try Spool.open(directory: dir.path, options: testOptions())
        defer { Task { await spool.close() } }
        #expect(report.messages.map(\.message.id) == Array(ids.dropLast()))
        #expect(report.warnings.count == 1)
        let warning = try #require(report.warnings.first)
        #expect(warning.hasPrefix("\(path)@\(last): truncated record"))
    }

    @Test("A write torn inside preallocated space is reported; the zeros after it are not")
    func tornInPreallocatedSpace() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (ids, path) = try await populate(dir.path, count: 4)
        let last = try #require(try recordOffsets(path).last)
        var data = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(data.count == 1 << 20)   // preallocated to the segment size
        for i in (last + 40)..<data.count { data[i] = 0 }
        try Data(data).write(to: URL(fileURLWithPath: path))

        let (spool, report) = try Spool.open(directory: dir.path, options: testOptions())
        defer { Task { await spool.close() } }
        #expect(report.messages.map(\.message.id) == Array(ids.dropLast()))
        #expect(report.warnings.count == 1)
        #expect(report.warnings.first?.hasPrefix("\(path)@\(last): checksum mismatch") == true)
    }

    @Test("A corrupted record is skipped with a warning and the records after it are recovered")
    func corruptedMiddle() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (ids, path) = try await populate(dir.path, count: 6)
        let offsets = try recordOffsets(path)
        var data = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        data[offsets[2] + 100] ^= 0xFF          // a content byte of the third message
        data[offsets[4] + 9] ^= 0x7F            // the length field of the fifth
        try Data(data).write(to: URL(fileURLWithPath: path))

        let (spool, report) = try Spool.open(directory: dir.path, options: testOptions())
        #expect(report.messages.map(\.message.id) == [ids[0], ids[1], ids[3], ids[5]])
        #expect(report.warnings.count == 2)
        #expect(report.warnings.first?.hasPrefix("\(path)@\(offsets[2]): checksum mismatch") == true)
        #expect(report.warnings.last?.hasPrefix("\(path)@\(offsets[4]):") == true)
        #expect(try spool.content(of: ids[5]) == content(5))
        // Once nothing live is left in it, the damaged segment is set aside, not deleted.
        try await spool.record(report.messages.map { RecipientProgress(message: $0.message.id, recipient: 0, outcome: .delivered, attempts: 1) })
        await spool.close()
        let (again, _) = try Spool.open(directory: dir.path, options: testOptions())
        await again.close()
        #expect(FileManager.default.fileExists(atPath: dir.path + "/damaged/" + (path as NSString).lastPathComponent))
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("Garbage, zero-filled regions and empty files never crash recovery")
    func garbage() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (ids, path) = try await populate(dir.path, count: 3)
        var data = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        data += [UInt8](repeating: 0, count: 4096)
        data += Array("SLSP".utf8) + [2, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]   // a header claiming 4 GB
        try Data(data).write(to: URL(fileURLWithPath: path))
        _ = FileManager.default.createFile(atPath: dir.path + "/segments/00000099.seg", contents: Data())
        var random = SystemRandomNumberGenerator()
        _ = FileManager.default.createFile(atPath: dir.path + "/segments/00000098.seg",
                                       contents: Data((0..<5000).map { _ in UInt8.random(in: 0...255, using: &random) }))

        let (spool, report) = try Spool.open(directory: dir.path, options: testOptions())
        defer { Task { await spool.close() } }
        #expect(report.messages.map(\.message.id) == ids)
        #expect(report.warnings.contains { $0.hasPrefix("\(path)@") })
        #expect(report.warnings.contains { $0.hasPrefix(dir.path + "/segments/00000098.seg@0:") })
        // The next segment is numbered after the highest seen, and new ids stay above old ones.
        let id = try await spool.accept(envelope(), content: content(9))
        #expect(id > ids[2])
        #expect(FileManager.default.fileExists(atPath: dir.path + "/segments/00000100.seg"))
        // The empty file held nothing and is gone; the damaged ones are kept.
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/segments/00000099.seg"))
        #expect(FileManager.default.fileExists(atPath: dir.path + "/segments/00000098.seg"))
    }

    @Test("Exhausted segment numbers are an error, not a crash")
    func segmentNumberLimit() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.path + "/segments", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir.path + "/segments/4294967295.seg", contents: Data())
        #expect(throws: SpoolError.self) { _ = try Spool.open(directory: dir.path, options: testOptions()) }
    }
}

@Suite("Random damage")
struct RandomDamageTests {
    @Test("Random byte flips lose only the records they hit, for 40 seeds")
    func randomFlips() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (spool, _) = try Spool.open(directory: dir.path, options: testOptions(segmentSize: 64 << 10))
        var ids: [MessageID] = []
        for n in 0..<20 { ids.append(try await spool.accept(envelope(recipients: 2), content: content(n, size: 500))) }
        await spool.close()
        let path = try #require(try segmentPaths(dir.path).last)
        let original = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        // Where each message record lies.
        var ranges: [MessageID: Range<Int>] = [:]
        original.withUnsafeBytes { raw in
            SegmentScanner.scan(raw, file: path, record: { type, payload, offset, length in
                if type == RecordType.message.rawValue, let record = try? MessageRecord(decoding: payload) {
                    ranges[record.id] = offset..<(offset + length)
                }
            }, warn: { _ in })
        }
        #expect(ranges.count == 20)
        let end = try #require(ranges.values.map(\.upperBound).max())

        var generator = SplitMix64(seed: 7)
        for _ in 0..<40 {
            var damaged = original
            let hits = (0..<3).map { _ in Int.random(in: 0..<end, using: &generator) }
            for hit in hits { damaged[hit] ^= UInt8.random(in: 1...255, using: &generator) }
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            let recovery = try SpoolRecovery(layout: SpoolLayout(root: dir.path))
            let recovered = Set(recovery.index.messages.keys)
            let untouched = Set(ids.filter { id in !hits.contains { ranges[id]?.contains($0) == true } })
            #expect(recovered == untouched, "hits at \(hits)")
            #expect(recovery.warnings.count >= (recovered.count < 20 ? 1 : 0))
        }
    }
}
