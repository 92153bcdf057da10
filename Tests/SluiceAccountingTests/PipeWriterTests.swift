import Foundation
import Testing
import SluiceConfig
@testable import SluiceCore
@testable import SluiceAccounting

/// Real child processes behind `<acct-file |program>`; conditions are polled with a deadline.
@Suite("Accounting pipe writer", .serialized)
struct PipeWriterTests {
    func pipe(_ program: String, _ arguments: [String],
              records: Set<AccountingRecordType> = Set(AccountingRecordType.allCases)) -> AccountingFile {
        var file = AccountingFile(target: .pipe(program: program, arguments: arguments),
                                  location: SluiceConfig.SourceLocation(file: "test.conf", line: 1, column: 1))
        file.records = records
        return file
    }

    func record(_ outcome: DeliveryRecord.Outcome, _ n: Int) -> AccountingRecord {
        AccountingRecord(deliveryRecord(outcome, recipient: "user\(n)@example.com"), context: connectedContext)
    }

    /// The recipients of the data rows of a CSV file and how many header lines it has.
    func contents(_ path: String) throws -> (headers: Int, recipients: [String]) {
        guard FileManager.default.fileExists(atPath: path) else { return (0, []) }
        let rows = try lines(path)
        let data = rows.filter { !$0.hasPrefix("type,") }
        return (rows.count - data.count, try data.map { try parseCSV($0 + "\r\n")[0][4] })
    }

    @Test("a child reads the header, then one CSV row per record the filter takes; close reaps it")
    func childReceivesHeaderAndRecords() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv").path
        let config = pipe("/usr/bin/tee", ["-a", out], records: [.delivered, .bounced])
        let writer = AccountingPipeWriter(config)
        #expect(try writer.write(record(.delivered, 1), now: novemberAfternoon))
        #expect(try !writer.write(record(.deferred, 2), now: novemberAfternoon))
        #expect(try writer.write(record(.bounced, 3), now: novemberAfternoon))
        let pid = try #require(writer.childProcessID)
        try writer.tick(now: novemberAfternoon + .seconds(1))
        try writer.close(now: novemberAfternoon + .seconds(2))
        #expect(writer.childProcessID == nil)
        #expect(!isAlive(pid), "the child was reaped, not left a zombie")
        let rows = try lines(out)
        #expect(rows.count == 3)
        #expect(rows.first.map { $0 + "\r\n" } == AccountingCSV.header(AccountingField.columns(for: [.delivered, .bounced])))
        let columns = AccountingField.columns(for: [.delivered, .bounced])
        #expect(rows.dropFirst().map { $0 + "\r\n" }
                == [record(.delivered, 1), record(.bounced, 3)].map { AccountingCSV.row($0, columns: columns) },
                "the same rows a file would hold")
        #expect(writer.writtenRecords == 2)
        #expect(writer.droppedRecords == 0)
    }

    @Test("a killed child is restarted after the delay, driven by now; the records written meanwhile reach it")
    func killedChildIsRestarted() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv").path
        let writer = AccountingPipeWriter(pipe("/usr/bin/tee", ["-a", out]))
        defer { try? writer.close(now: novemberAfternoon + .minutes(1)) }
        let t0 = novemberAfternoon
        for n in 1...3 { try writer.write(record(.delivered, n), now: t0) }
        try writer.tick(now: t0)
        try await waitUntil { try contents(out).recipients.count == 3 }
        let first = try #require(writer.childProcessID)

        #expect(kill(first, SIGKILL) == 0)
        var lost: [AccountingError] = []
        try await waitUntil {
            do { try writer.tick(now: t0) } catch let error as AccountingError { lost.append(error) }
            return writer.childProcessID == nil
        }
        #expect(lost.count == 1)
        #expect(lost.first?.description.contains("killed by signal 9; it is started again in 1s") == true,
                "\(lost)")
        #expect(!isAlive(first), "the killed child was reaped")

        for n in 4...6 { try writer.write(record(.delivered, n), now: t0 + TimeSpan(milliseconds: 500)) }
        try writer.tick(now: t0 + TimeSpan(milliseconds: 900))
        #expect(writer.childProcessID == nil, "not restarted before the delay")
        #expect(writer.bufferedRecords == 3)
        try writer.tick(now: t0 + .seconds(1))
        let second = try #require(writer.childProcessID)
        #expect(second != first)
        try await waitUntil {
            try writer.tick(now: t0 + .seconds(2))
            return try contents(out).recipients.count == 6
        }
        let result = try contents(out)
        #expect(result.headers == 2, "each child gets the header first")
        #expect(result.recipients == (1...6).map { "user\($0)@example.com" })
        #expect(writer.droppedRecords == 0)
        #expect(writer.bufferedRecords == 0)
    }

    @Test("a child that never reads blocks no write; records beyond the bound are dropped and counted, reported once")
    func stuckReaderDropsBeyondTheBound() throws {
        let writer = AccountingPipeWriter(pipe("/bin/sleep", ["1000"]), bufferLimit: 50, closeTimeout: .milliseconds(200))
        let total = 2_000
        var errors: [AccountingError] = []
        let clock = ContinuousClock()
        let started = clock.now
        for n in 1...total {
            do { try writer.write(record(.delivered, n), now: novemberAfternoon) } catch { errors.append(error) }
            if n % 100 == 0 { try writer.tick(now: novemberAfternoon) }
        }
        #expect(clock.now - started < .seconds(30), "no write waited for the reader")
        let pid = try #require(writer.childProcessID)
        #expect(writer.bufferedRecords == 50)
        #expect(writer.writtenRecords > 0, "the pipe took what it holds")
        #expect(writer.droppedRecords == total - writer.writtenRecords - 50)
        #expect(errors.count == 1, "one report when dropping starts, not one per record")
        #expect(errors.first?.description.contains("not reading and 50 records wait") == true, "\(errors)")

        #expect(throws: AccountingError.self) { try writer.close(now: novemberAfternoon + .seconds(1)) }
        #expect(writer.droppedRecords == total - writer.writtenRecords, "what still waited at close is counted")
        #expect(writer.childProcessID == nil)
        #expect(!isAlive(pid), "a child that ignores end of input is terminated and reaped")
    }

    @Test("a child that closes its input (after the header) is lost on EPIPE (no SIGPIPE), terminated, and its records kept")
    func closedInputIsEPIPE() async throws {
        let writer = AccountingPipeWriter(pipe("/bin/sh", ["-c", "read header; exec 0<&-; exec /bin/sleep 1000"]),
                                          closeTimeout: .milliseconds(200))
        try writer.tick(now: novemberAfternoon)
        let pid = try #require(writer.childProcessID)
        try await waitUntil { !FileManager.default.fileExists(atPath: "/proc/\(pid)/fd/0") }
        try writer.write(record(.delivered, 1), now: novemberAfternoon)
        let error = #expect(throws: AccountingError.self) { try writer.tick(now: novemberAfternoon) }
        #expect(error?.description.contains("stopped reading (Broken pipe)") == true, "\(String(describing: error))")
        #expect(writer.childProcessID == nil)
        #expect(writer.bufferedRecords == 1, "the record waits for the next child")
        try await waitUntil {
            try writer.tick(now: novemberAfternoon)
            return !isAlive(pid)
        }
        _ = try? writer.close(now: novemberAfternoon)
    }

    @Test("a program that cannot start is retried with a doubling delay, driven by now; records wait")
    func failedStartBacksOff() throws {
        let writer = AccountingPipeWriter(pipe("/nonexistent/acct-reader", []))
        let t0 = novemberAfternoon
        let error = #expect(throws: AccountingError.self) { try writer.write(record(.delivered, 1), now: t0) }
        #expect(error?.description == "accounting: cannot start |/nonexistent/acct-reader: No such file or directory; "
                                    + "it is tried again in 1s, and up to 10000 records wait meanwhile")
        #expect(writer.bufferedRecords == 1)
        try writer.tick(now: t0 + TimeSpan(milliseconds: 999))
        #expect(throws: AccountingError.self) { try writer.tick(now: t0 + .seconds(1)) }
        try writer.tick(now: t0 + TimeSpan(milliseconds: 2999))
        #expect(throws: AccountingError.self) { try writer.tick(now: t0 + .seconds(3)) }
        try writer.tick(now: t0 + TimeSpan(milliseconds: 6999))
        #expect(throws: AccountingError.self) { try writer.tick(now: t0 + .seconds(7)) }
        #expect(writer.bufferedRecords == 1)
    }

    @Test("AccountingLog gives a path to a file writer and |program to a pipe writer")
    func logChoosesTheWriter() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("piped.csv").path
        let file = AccountingFile(path: dir.appendingPathComponent("acct.csv").path,
                                  location: SluiceConfig.SourceLocation(file: "test.conf", line: 1, column: 1))
        let log = AccountingLog(files: [file, pipe("/usr/bin/tee", ["-a", out])], pipeBufferLimit: 7)
        #expect(log.writers.first is AccountingFileWriter)
        #expect((log.writers.last as? AccountingPipeWriter)?.bufferLimit == 7)
        try log.write(record(.delivered, 1), now: novemberAfternoon)
        try log.close(now: novemberAfternoon)
        #expect(try contents(out).recipients == ["user1@example.com"])
        #expect(try contents(file.path).recipients == ["user1@example.com"])
    }
}

/// Whether `pid` exists (a zombie does; a reaped process does not).
func isAlive(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 }

/// Polls `condition` every 10 ms until it holds; fails after `seconds`.
func waitUntil(seconds: Int = 10, _ condition: () throws -> Bool,
               sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + .seconds(seconds)
    while clock.now < deadline {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("condition not met within \(seconds)s", sourceLocation: sourceLocation)
    throw CancellationError()
}
