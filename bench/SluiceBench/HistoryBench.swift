import Foundation
import SluiceControlProtocol

/// `SluiceBench history`: the 24-hour history's storage per day for 10,000 queues (10,000
/// domains on 20 vmtas, 50 jobs) — the bytes the spool's `history.jsonl` takes for 1,440 frames
/// when every domain has mail queued and traffic every minute (the worst case), and when a tenth
/// of them does — each frame keeping the 300 busiest domains, as the node does
/// (`HistoryFrame.busiest`) — and the time to encode a frame and to read a day back.
enum HistoryBench {
    static func frame(minute: Int64, activeShare: Double, seed: UInt64) -> HistoryFrame {
        var x = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next() -> UInt64 { x ^= x >> 29; x = x &* 0xBF58_476D_1CE4_E5B9; return x }
        let domains = (0..<10_000).compactMap { d -> HistoryRow? in
            guard Double(next() % 1_000) / 1_000 < activeShare else { return nil }
            return HistoryRow(name: "domain\(d).example", queued: Int(next() % 50_000), delivered: Int(next() % 600),
                              deferred: next() % 4 == 0 ? Int(next() % 300) : 0, bounced: next() % 8 == 0 ? Int(next() % 20) : 0,
                              refused: next() % 16 == 0 ? Int(next() % 40) : 0, state: next() % 50 == 0 ? "BACKOFF" : "")
        }
        let vmtas = (0..<20).map { HistoryRow(name: "vmta\($0)", queued: Int(next() % 500_000), delivered: Int(next() % 30_000)) }
        let jobs = (0..<50).map { HistoryRow(name: "campaign-\($0)", queued: Int(next() % 100_000), delivered: Int(next() % 10_000)) }
        let total = domains.reduce(into: HistoryRow(name: "")) { $0.queued += $1.queued; $0.delivered += $1.delivered }
        return HistoryFrame(minute: minute, total: total, domains: HistoryFrame.busiest(domains, limit: HistoryFrame.maxDomains),
                            vmtas: vmtas, jobs: jobs)
    }

    static func run() throws {
        let encoder = JSONEncoder()
        for share in [1.0, 0.1] {
            var bytes = 0
            var encodeSeconds = 0.0
            var day = Data()
            for m in 0..<1440 {
                let f = frame(minute: Int64(m), activeShare: share, seed: UInt64(m))
                let start = Date()
                let line = try encoder.encode(f)
                encodeSeconds += Date().timeIntervalSince(start)
                bytes += line.count + 1
                day.append(line)
                day.append(UInt8(ascii: "\n"))
            }
            let decoder = JSONDecoder()
            let start = Date()
            var frames = 0
            for line in day.split(separator: UInt8(ascii: "\n")) {
                _ = try decoder.decode(HistoryFrame.self, from: Data(line))
                frames += 1
            }
            let readSeconds = Date().timeIntervalSince(start)
            print(String(format: "history, %3.0f%% of 10,000 domains active each minute: %.1f MB/day (%.0f KB/frame), encode %.1f ms/frame, read a day back %.1f s (%d frames)",
                         share * 100, Double(bytes) / 1_000_000, Double(bytes) / 1440 / 1000, encodeSeconds / 1440 * 1000, readSeconds, frames))
        }
    }
}
