import Foundation
import SluiceCore
import SluiceSpool

/// `SluiceBench spool`: (a) fsynced 2 KB accepts from 20 concurrent writers; (b) recovery time of a
/// spool holding 1,000,000 undelivered recipients. Figures go to BENCHMARKS.md, "## Spool".
enum SpoolBenchmark {
    static func run(arguments: [String]) async throws {
        let writers = intArgument(arguments, "--writers") ?? 20
        let messages = intArgument(arguments, "--messages") ?? 20_000
        let recoveryMessages = intArgument(arguments, "--recovery-messages") ?? 100_000
        let recipientsEach = intArgument(arguments, "--recipients") ?? 10
        let root = makeTemporaryDirectory(in: stringArgument(arguments, "--in") ?? "/tmp")
        defer { try? FileManager.default.removeItem(atPath: root) }

        print("spool benchmark in \(root)")
        print(String(format: "single writer, 2 KB write + fdatasync: median %.3f ms appending, %.3f ms into a zero-filled file",
                     try measureFdatasync(root, prezeroed: false), try measureFdatasync(root, prezeroed: true)))
        try await acceptThroughput(directory: root + "/accept", writers: writers, messages: messages)
        try await recovery(directory: root + "/recovery", messages: recoveryMessages, recipientsEach: recipientsEach)
    }

    /// (a) Messages per second, each durable before its `accept` returns.
    static func acceptThroughput(directory: String, writers: Int, messages: Int) async throws {
        let (spool, _) = try Spool.open(directory: directory)
        let content = [UInt8](repeating: 0x61, count: 2048)
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for _ in stride(from: writer, to: messages, by: writers) {
                        _ = try await spool.accept(envelope(recipients: 1), content: content)
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = seconds(ContinuousClock.now - started)
        let counts = spool.commitCounts()
        await spool.close()
        print(String(format: "accept: %d x 2 KB messages from %d writers in %.2f s = %.0f messages/s, "
                     + "%d group commits (%.1f messages and %.2f ms each)",
                     messages, writers, seconds, Double(messages) / seconds, counts.commits,
                     Double(counts.records) / Double(max(counts.commits, 1)),
                     seconds * 1000 / Double(max(counts.commits, 1))))
    }

    /// (b) Builds a spool of `messages` messages x `recipientsEach` recipients, delivers the first
    /// recipient of every tenth message and defers another, then times a cold `Spool.open`.
    static func recovery(directory: String, messages: Int, recipientsEach: Int) async throws {
        let (spool, _) = try Spool.open(directory: directory)
        let content = [UInt8](repeating: 0x62, count: 2048)
        let buildStart = ContinuousClock.now
        var expectedPending = 0
        try await withThrowingTaskGroup(of: Int.self) { group in
            for writer in 0..<64 {
                group.addTask {
                    var pending = 0
                    for n in stride(from: writer, to: messages, by: 64) {
                        let id = try await spool.accept(envelope(recipients: recipientsEach), content: content)
                        pending += recipientsEach
                        if n % 10 == 0 {
                            try await spool.record([
                                RecipientProgress(message: id, recipient: 0, outcome: .delivered, attempts: 1),
                                RecipientProgress(message: id, recipient: 1, outcome: .deferred(nextAttempt: Instant(milliseconds: 9_000_000)), attempts: 1),
                            ])
                            pending -= 1
                        }
                    }
                    return pending
                }
            }
            for try await pending in group { expectedPending += pending }
        }
        let built = seconds(ContinuousClock.now - buildStart)
        await spool.close()
        let segments = try FileManager.default.contentsOfDirectory(atPath: directory + "/segments").map { directory + "/segments/" + $0 }
        let bytes = segments.reduce(Int64(0)) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int64) ?? 0) }
        print(String(format: "recovery: built %d messages x %d recipients (%.0f MB in %d segments) in %.1f s",
                     messages, recipientsEach, Double(bytes) / 1_048_576, segments.count, built))

        for cache in ["cold (segments evicted from the page cache)", "warm"] {
            if cache.hasPrefix("cold") { for path in segments { evictFromPageCache(path) } }
            let start = ContinuousClock.now
            let (reopened, report) = try Spool.open(directory: directory)
            let elapsed = seconds(ContinuousClock.now - start)
            await reopened.close()
            print(String(format: "recovery, %@: %d messages, %d recipients (%d pending) in %.2f s, %d warnings",
                         cache, report.messages.count, report.totalRecipients, report.pendingRecipients, elapsed,
                         report.warnings.count))
            if report.pendingRecipients != expectedPending {
                print("MISMATCH: expected \(expectedPending) pending recipients")
            }
        }
    }

    static func envelope(recipients: Int) -> SpoolEnvelope {
        SpoolEnvelope(sender: "bench@example.org",
                      recipients: (0..<recipients).map { SpoolRecipient(address: "user\($0)@example.com") },
                      vmta: "vmta1", receivedAt: Instant(milliseconds: 1_700_000_000_000))
    }

    /// Median latency of pwrite + fdatasync of 2 KB appended to a fresh file, or written into a
    /// file zero-filled beforehand (what a preallocated segment sees).
    static func measureFdatasync(_ root: String, prezeroed: Bool) throws -> Double {
        let path = root + "/fdatasync-probe"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw SpoolError.io(operation: "open", path: path, errno: errno) }
        defer { close(fd); unlink(path) }
        let block = [UInt8](repeating: 0x63, count: 2048)
        if prezeroed {
            let zeros = [UInt8](repeating: 0, count: 200 * 2048)
            _ = zeros.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            fdatasync(fd)
        }
        var samples: [Double] = []
        for i in 0..<200 {
            let start = ContinuousClock.now
            _ = block.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(i * 2048)) }
            fdatasync(fd)
            samples.append(seconds(ContinuousClock.now - start) * 1000)
        }
        return samples.sorted()[samples.count / 2]
    }

    static func evictFromPageCache(_ path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return }
        posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
        close(fd)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func intArgument(_ arguments: [String], _ name: String) -> Int? {
        guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
        return Int(arguments[i + 1])
    }

    static func stringArgument(_ arguments: [String], _ name: String) -> String? {
        guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
        return arguments[i + 1]
    }

    static func makeTemporaryDirectory(in parent: String) -> String {
        var template = Array((parent + "/sluice-spool-bench-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { return parent + "/sluice-spool-bench" }
        return String(cString: made)
    }
}
