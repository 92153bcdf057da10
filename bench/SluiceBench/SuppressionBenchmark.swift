import Foundation
import SluiceBase
import SluiceSuppression

/// `SluiceBench suppression`: the suppression list at scale (issue 15).
///
/// 1. Fills a fresh database with `--entries` global entries (default 10,000,000;
///    `user<i>@d<i % 5000>.example`) through `SuppressionStore.add` in batches of 100,000.
/// 2. Times `check` before the filter exists (every check reads SQLite: the start-up path).
/// 3. Builds the filter (`buildFilter`, what a node does on its start-up thread) and times it.
/// 4. Times `check` for `--checks` addresses, half listed (hits, confirmed in SQLite) and half not
///    (misses, answered by the filter), in a random order; p50/p99/p99.9/max of each kind.
/// 5. Imports `--import` addresses (default 1,000,000) from a CSV file into another fresh
///    database with `importCSV` (reading the file included): wall time.
///
/// Per-call wall times on the monotonic clock; the database is in `--in` (default /tmp).
enum SuppressionBenchmark {
    static let usage = "[--entries 10000000] [--checks 200000] [--import 1000000] [--in /tmp]"

    static func run(arguments: [String]) throws {
        var entries = 10_000_000, checks = 200_000, imports = 1_000_000, directory = "/tmp"
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            func value() throws -> Int {
                guard let text = rest.popFirst(), let n = Int(text), n > 0 else {
                    throw BenchmarkError(message: "\(argument) takes a positive number")
                }
                return n
            }
            switch argument {
            case "--entries": entries = try value()
            case "--checks": checks = try value()
            case "--import": imports = try value()
            case "--in": directory = rest.popFirst() ?? directory
            default: throw BenchmarkError(message: "unknown argument \(argument); usage: SluiceBench suppression \(usage)")
            }
        }
        let work = directory + "/sluice-suppression-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        print("suppression: load average \(DKIMBenchmark.loadAverage()) at start; \(ProcessInfo.processInfo.activeProcessorCount) cores")

        let store = try SuppressionStore(path: work + "/list.sqlite")
        let time = Instant(milliseconds: 1_764_930_672_000)
        var started = ContinuousClock.now
        var batch: [SuppressionEntry] = []
        batch.reserveCapacity(100_000)
        for index in 0..<entries {
            batch.append(SuppressionEntry(address: listed(index), reason: "bad-mailbox", source: "bench", time: time))
            if batch.count == 100_000 || index == entries - 1 {
                try store.add(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        let fill = ContinuousClock.now - started
        let size = (try? FileManager.default.attributesOfItem(atPath: work + "/list.sqlite")[.size] as? Int) ?? 0
        print(String(format: "suppression: %d entries added in %.1f s (%.0f/s); database %d MB", entries, seconds(fill),
                     Double(entries) / seconds(fill), size >> 20))

        var generator = SplitMix64(seed: 15)
        let direct = measure(store, checks: min(checks, 20_000), entries: entries, generator: &generator)
        print("suppression: before the filter (every check reads SQLite): \(direct)")

        started = ContinuousClock.now
        try store.buildFilter()
        let build = ContinuousClock.now - started
        let status = store.filterStatus
        print(String(format: "suppression: filter of %d addresses built in %.1f s, %d MB (capacity %d)", status.insertions,
                     seconds(build), status.bytes >> 20, status.capacity))

        let filtered = measure(store, checks: checks, entries: entries, generator: &generator)
        print("suppression: with the filter: \(filtered)")

        let csvPath = work + "/import.csv"
        var csv = "address,scope,reason,source,time\n"
        csv.reserveCapacity(imports * 80)
        for index in 0..<imports { csv += "imported\(index)@d\(index % 5000).example,global,bad-mailbox,bench,2025-12-05T10:31:12Z\n" }
        try csv.write(toFile: csvPath, atomically: false, encoding: .utf8)
        let target = try SuppressionStore(path: work + "/imported.sqlite")
        started = ContinuousClock.now
        guard let data = FileManager.default.contents(atPath: csvPath) else { throw BenchmarkError(message: "cannot read \(csvPath)") }
        let report = try target.importCSV([UInt8](data), name: "import.csv", now: time)
        let importTime = ContinuousClock.now - started
        print(String(format: "suppression: import of %d addresses from CSV (%d MB) in %.1f s (%.0f/s), %d bad lines",
                     report.imported, data.count >> 20, seconds(importTime), Double(report.imported) / seconds(importTime),
                     report.badLines.count))
    }

    /// The address of listed entry `index`.
    static func listed(_ index: Int) -> String { "user\(index)@d\(index % 5000).example" }

    /// Times `checks` calls of `check`, half hits and half misses in a random order.
    static func measure(_ store: SuppressionStore, checks: Int, entries: Int, generator: inout SplitMix64) -> String {
        var hits: [Double] = [], misses: [Double] = []
        hits.reserveCapacity(checks / 2 + 1)
        misses.reserveCapacity(checks / 2 + 1)
        var wrong = 0
        for _ in 0..<checks {
            let hit = generator.next() & 1 == 0
            let index = Int(generator.next(below: UInt64(entries)))
            let address = hit ? listed(index) : "nobody\(index)@d\(index % 5000).example"
            let started = ContinuousClock.now
            let entry = try? store.check(address, senderDomain: "shop.example", jobID: nil)
            let elapsed = seconds(ContinuousClock.now - started) * 1e6
            if (entry != nil) != hit { wrong += 1 }
            if hit { hits.append(elapsed) } else { misses.append(elapsed) }
        }
        return "hits \(summary(hits)); misses \(summary(misses)); all \(summary(hits + misses))"
            + (wrong > 0 ? "; \(wrong) WRONG ANSWERS" : "")
    }

    static func summary(_ values: [Double]) -> String {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return "none" }
        func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)] }
        return String(format: "n=%d p50 %.2f µs p99 %.2f µs p99.9 %.2f µs max %.0f µs", sorted.count, percentile(0.5),
                      percentile(0.99), percentile(0.999), sorted.last ?? 0)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
