import Foundation
import SluiceCore
import Testing
@testable import SluiceSpool

@Suite("Crash recovery")
struct CrashRecoveryTests {
    /// The harness executable, built next to the test bundle by `swift build` / `swift test`.
    private func harnessPath() throws -> String {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var directory = (executable as NSString).deletingLastPathComponent
        // The test binary may sit inside a bundle directory (`sluicePackageTests.xctest`).
        if directory.hasSuffix(".xctest") { directory = (directory as NSString).deletingLastPathComponent }
        return directory + "/SpoolCrashHarness"
    }

    /// Runs the harness once; kills it with SIGKILL once its stdout holds `killAfter` acks.
    private func run(_ harness: String, spool: String, sink: String, output: String, count: Int,
                     killAfter: Int?) throws -> (exited: Bool, status: Int32) {
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: harness)
        process.arguments = [spool, sink, String(count), "32"]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline {
            if let killAfter, try ackedIDs(output).count >= killAfter {
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(2_000)
        }
        if process.isRunning && Date() >= deadline { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return (process.terminationReason == .exit, process.terminationStatus)
    }

    private func lines(_ path: String) throws -> [Substring] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
    }

    private func ackedIDs(_ output: String) throws -> [UInt64] {
        try lines(output).compactMap { $0.hasPrefix("A ") ? UInt64($0.dropFirst(2)) : nil }
    }

    @Test("Every message acknowledged before a SIGKILL is delivered after restarts")
    func killAndRestart() throws {
        let harness = try harnessPath()
        try #require(FileManager.default.isExecutableFile(atPath: harness),
                     "SpoolCrashHarness not found next to the tests at \(harness); run `swift build` first")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let spool = dir.path + "/spool", sink = dir.path + "/sink"
        let total = 2500
        var generator = SplitMix64(seed: 0x51_1CE5_9001)
        var acked = Set<UInt64>()
        var kills = 0
        var finished = false
        for round in 0..<12 where !finished {
            let killAfter = kills < 4 ? Int.random(in: 100...900, using: &generator) : nil
            let output = dir.path + "/out-\(round)"
            let result = try run(harness, spool: spool, sink: sink, output: output, count: total - acked.count,
                                 killAfter: killAfter)
            acked.formUnion(try ackedIDs(output))
            if result.exited {
                #expect(result.status == 0, "harness exited with status \(result.status)")
                let last = try lines(output).last
                finished = result.status == 0 && last == "DONE"
            } else {
                kills += 1
            }
        }
        try #require(finished, "the harness did not finish")
        #expect(kills >= 3)
        #expect(acked.count >= total)

        let delivered = try lines(sink)
        let counts = Dictionary(delivered.map { ($0, 1) }, uniquingKeysWith: +)
        let missing = acked.filter { counts["\($0):0"] == nil || counts["\($0):1"] == nil }
        #expect(missing.isEmpty, "acknowledged but never delivered: \(missing.sorted().prefix(10))")
        let duplicates = counts.values.reduce(0) { $0 + $1 - 1 }
        print("crash recovery: \(acked.count) messages acknowledged over \(kills) SIGKILLs, "
              + "\(delivered.count) deliveries, \(duplicates) duplicate deliveries")

        // Nothing is left in the spool.
        let (reopened, report) = try Spool.open(directory: spool)
        #expect(report.messages.isEmpty)
        Task { await reopened.close() }
    }
}
