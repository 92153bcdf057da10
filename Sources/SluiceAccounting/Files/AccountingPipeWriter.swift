import Glibc
import SluiceConfig
import SluiceCore

/// Writes one `<acct-file |/path/program args…>`: a program kept running gets the CSV header
/// line, then the records the `records` filter accepts, one CSV row each (exactly what a file
/// would hold), on its standard input. See ``PipeProgram`` for how it is started (no shell).
///
/// Nothing here waits for the program: rows queue in a backlog of at most ``bufferLimit``
/// records and go into the pipe as far as it takes them without blocking, on ``tick(now:)``
/// (call it at least once a second) and whenever 64 KiB have queued. A program that stops
/// reading therefore never blocks the caller: once the backlog is full, further records are
/// dropped and counted in ``droppedRecords``, and the first drop of each episode throws one
/// ``AccountingError`` (the episode ends when the backlog has drained).
///
/// The program starts on the first call. When it exits or stops reading (`EPIPE`), the failure
/// is thrown once and it is started again, driven by the `now` of later calls: after 1 s, the
/// delay doubling up to 30 s while programs keep dying within 30 s of their start. Its records
/// wait in the backlog meanwhile, and the new program gets the header first, then every waiting
/// record (a record the lost program got only part of is sent whole). Records already in the
/// pipe when a program dies are lost with it. A program that stopped reading is sent SIGTERM;
/// every program is reaped (`waitpid` with `WNOHANG` on each tick), so none is left a zombie.
///
/// ``close(now:)`` writes what the pipe takes within `closeTimeout`, closes the program's
/// standard input and waits up to `closeTimeout` for it to exit, then sends SIGTERM, then
/// SIGKILL. Records still waiting are counted as dropped and reported. A writer released
/// without ``close(now:)`` kills its program.
///
/// Not thread-safe: one owner calls it, passing the current instant.
public final class AccountingPipeWriter: AccountingWriter {
    /// The most records a pipe keeps while its program is not reading, unless told otherwise.
    public static let defaultBufferLimit = 10_000

    /// The `<acct-file>` block this writes.
    public let configuration: AccountingFile
    /// The columns and what each record type fills, from the `records` and `record-fields` lines.
    public let layout: AccountingLayout
    /// The columns of every row (the header line names them).
    public var columns: [AccountingColumn] { layout.columns }
    /// Records beyond this many waiting are dropped.
    public var bufferLimit: Int { backlog.limit }
    /// Records dropped because the backlog was full, or still waiting at ``close(now:)``.
    public private(set) var droppedRecords = 0
    /// Records written whole into a program's pipe.
    public private(set) var writtenRecords = 0
    /// Records waiting for the program.
    public var bufferedRecords: Int { backlog.count }

    /// The running program's process id (for tests).
    var childProcessID: pid_t? { running?.process.pid }

    private let program: String
    private let arguments: [String]
    private let header: [UInt8]
    private let closeTimeout: Duration
    private var backlog: PipeBacklog
    private var running: Running?
    /// Programs let go of (stdin closed, maybe signalled) and not reaped yet.
    private var ending: [pid_t] = []
    /// When the program may be started again; nil: at the next call.
    private var nextStart: Instant?
    private var restartDelay = AccountingPipeWriter.minimumRestartDelay
    private var dropping = false
    /// Bytes queued since the last attempt to write.
    private var unflushed = 0

    private struct Running {
        var process: PipeProgram
        var startedAt: Instant
    }

    static let minimumRestartDelay = TimeSpan.seconds(1)
    static let maximumRestartDelay = TimeSpan.seconds(30)
    /// A program that ran this long before it was lost is restarted after the minimum delay.
    static let stableAfter = TimeSpan.seconds(30)
    /// Queued bytes that trigger a write without waiting for the tick.
    private static let flushThreshold = 64 * 1024
    /// The most bytes offered to the pipe in one write.
    private static let chunkSize = 64 * 1024

    /// Creates a writer for a `.pipe` target (a `.file` target's path is run as the program,
    /// without arguments); no program starts until the first call.
    /// - Parameters:
    ///   - bufferLimit: the most records kept while the program is not reading.
    ///   - closeTimeout: how long ``close(now:)`` waits for the pipe to take the backlog, and
    ///     again for the program to exit.
    public init(_ configuration: AccountingFile, bufferLimit: Int = defaultBufferLimit,
                closeTimeout: Duration = .seconds(2)) {
        self.configuration = configuration
        switch configuration.target {
        case .pipe(let program, let arguments): (self.program, self.arguments) = (program, arguments)
        case .file(let path): (program, arguments) = (path, [])
        }
        layout = AccountingLayout(configuration)
        header = Array(layout.header.utf8)
        self.closeTimeout = closeTimeout
        backlog = PipeBacklog(limit: bufferLimit)
    }

    deinit {
        if var run = running {
            run.process.closeInput()
            ending.append(run.process.pid)
        }
        for pid in ending where PipeProgram.reap(pid) == nil { PipeProgram.kill(pid) }
    }

    /// Queues `record` if the `records` filter accepts it, starting the program when due.
    /// Returns whether the record belongs to this pipe (true also when it was dropped).
    /// Throws when the program could not start, and once when dropping starts.
    @discardableResult
    public func write(_ record: AccountingRecord, now: Instant) throws(AccountingError) -> Bool {
        guard configuration.records.contains(record.type) else { return false }
        var failure: AccountingError?
        startIfDue(now, &failure)
        let row = Array(layout.row(record).utf8)
        if backlog.isFull { flush(now, &failure) }
        if backlog.append(row) {
            unflushed += row.count
            if unflushed >= Self.flushThreshold { flush(now, &failure) }
        } else {
            droppedRecords += 1
            if !dropping {
                dropping = true
                failure = failure ?? AccountingError(
                    path: configuration.path, operation: "pipe to",
                    reason: "the program is not reading and \(backlog.count) records wait; newer records are "
                          + "dropped (and counted) until it catches up")
            }
        }
        if let failure { throw failure }
        return true
    }

    /// Reaps programs, notices a lost one, starts the program when due and writes what the
    /// pipe takes. Throws once for each program lost and for each failed start.
    public func tick(now: Instant) throws(AccountingError) {
        var failure: AccountingError?
        reapEnding()
        checkRunning(now, &failure)
        startIfDue(now, &failure)
        flush(now, &failure)
        if let failure { throw failure }
    }

    /// Writes what the pipe takes within `closeTimeout` (starting the program once more if
    /// records wait and none runs), closes its standard input and waits for it to exit.
    /// Throws when records were left unwritten (they are counted in ``droppedRecords``).
    public func close(now: Instant) throws(AccountingError) {
        var failure: AccountingError?
        reapEnding()
        checkRunning(now, &failure)
        if running == nil, backlog.count > 0 {
            nextStart = nil
            startIfDue(now, &failure)
        }
        let deadline = RealTimeDeadline(after: closeTimeout)
        flush(now, &failure)
        while let run = running, !backlog.isDrained {
            let left = deadline.remaining
            guard left > .zero else { break }
            _ = run.process.waitWritable(milliseconds: Self.milliseconds(left))
            flush(now, &failure)
        }
        let lost = backlog.removeAll()
        if lost > 0 {
            droppedRecords += lost
            failure = failure ?? AccountingError(path: configuration.path, operation: "pipe to",
                                                 reason: "\(lost) records were still waiting at close and are lost")
        }
        if var run = running {
            run.process.closeInput()
            ending.append(run.process.pid)
            running = nil
        }
        backlog.programLost()
        awaitEnding()
        nextStart = nil
        restartDelay = Self.minimumRestartDelay
        dropping = false
        if let failure { throw failure }
    }

    // MARK: - The program

    private func startIfDue(_ now: Instant, _ failure: inout AccountingError?) {
        guard running == nil, nextStart.map({ now >= $0 }) ?? true else { return }
        do {
            let process = try PipeProgram.start(program: program, arguments: arguments)
            running = Running(process: process, startedAt: now)
            backlog.programStarted(header: header)
            nextStart = nil
        } catch {
            let delay = scheduleRestart(now)
            failure = failure ?? AccountingError(path: configuration.path, operation: "start",
                                                 reason: "\(error.reason); it is tried again in \(delay), "
                                                       + "and up to \(bufferLimit) records wait meanwhile")
        }
    }

    /// Notices that the running program has exited.
    private func checkRunning(_ now: Instant, _ failure: inout AccountingError?) {
        guard let run = running, let ending = PipeProgram.reap(run.process.pid) else { return }
        lose(now, because: "the program \(ending)", failure: &failure)
    }

    /// Lets go of the running program and schedules the next.
    private func lose(_ now: Instant, because cause: String, failure: inout AccountingError?) {
        guard var run = running else { return }
        run.process.closeInput()
        running = nil
        backlog.programLost()
        if now - run.startedAt >= Self.stableAfter { restartDelay = Self.minimumRestartDelay }
        let delay = scheduleRestart(now)
        failure = failure ?? AccountingError(path: configuration.path, operation: "pipe to",
                                             reason: "\(cause); it is started again in \(delay), "
                                                   + "and up to \(bufferLimit) records wait meanwhile")
    }

    /// Sets the next start after the current delay, doubles the delay; returns the delay used.
    private func scheduleRestart(_ now: Instant) -> TimeSpan {
        let delay = restartDelay
        nextStart = now + delay
        restartDelay = min(TimeSpan(milliseconds: delay.milliseconds * 2), Self.maximumRestartDelay)
        return delay
    }

    private func reapEnding() {
        ending.removeAll { PipeProgram.reap($0) != nil }
    }

    /// Waits up to `closeTimeout` for the programs let go of to exit, then up to a second after
    /// SIGTERM; kills what is left.
    private func awaitEnding() {
        for (signal, budget) in [(false, closeTimeout), (true, Duration.seconds(1))] {
            reapEnding()
            guard !ending.isEmpty else { return }
            if signal { ending.forEach(PipeProgram.terminate) }
            let deadline = RealTimeDeadline(after: budget)
            while !ending.isEmpty, !deadline.hasPassed {
                deadline.pause(.milliseconds(10))
                reapEnding()
            }
        }
        ending.forEach(PipeProgram.kill)
        ending.removeAll()
    }

    // MARK: - Writing

    /// Writes backlog into the pipe until it is drained or full; a failed write loses the program.
    private func flush(_ now: Instant, _ failure: inout AccountingError?) {
        unflushed = 0
        guard let run = running else { return }
        while !backlog.isDrained {
            let chunk = backlog.nextChunk(maximum: Self.chunkSize)
            switch chunk.withUnsafeBytes({ run.process.write($0) }) {
            case .wrote(let count):
                writtenRecords += backlog.consume(count)
                if count < chunk.count { return }
            case .full:
                return
            case .failed(let code):
                // The reader is gone but the process may live on: end it, reap it later.
                PipeProgram.terminate(run.process.pid)
                ending.append(run.process.pid)
                lose(now, because: "the program stopped reading (\(PipeProgramError(code: code).reason))",
                     failure: &failure)
                return
            }
        }
        if backlog.count == 0 { dropping = false }
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
    }
}
