// Release-mode benchmarks: `swift run -c release SluiceBench <name> [ARGS…]`.
// Each prints its figures; BENCHMARKS.md quotes them with the command that reproduces them.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let benchmarks: [(name: String, help: String, run: ([String]) async throws -> Void)] = [
    ("config", "[DIR]  load and check a generated 5,000-domain, 500-vmta config", runConfigBenchmark),
    ("console", "       render 10,000-queue frames and decode snapshots", { _ in ConsoleBench.run() }),
    ("patterns", "       cluster replies at 2,000/s; Patterns view frames with 10,000 queues", { _ in PatternsBench.run() }),
    ("history", "       24-hour history storage per day and frame cost for 10,000 queues", { _ in try HistoryBench.run() }),
    ("core", "       engine memory per recipient and batch-selection cost at several sizes", { _ in try CoreBenchmark.run() }),
    ("core-memory", "(internal) one memory measurement, run as a child by `core`", CoreBenchmark.memoryChild),
    ("core-cycle", "(internal) one selection-cost measurement, run as a child by `core`", CoreBenchmark.cycleOnly),
    ("dkim", "\(DKIMBenchmark.usage)  DKIMSigner.sign per message (RSA-2048, Ed25519; 2 KB, 50 KB) against key.sign, SHA-256 and openssl speed",
     { try DKIMBenchmark.run(arguments: $0) }),
    ("hold", "[TRIALS]  hold/release latency through the control socket of a node with a backlog (100 trials)",
     { try await HoldBenchmark.run(arguments: $0) }),
    ("suppression", "\(SuppressionBenchmark.usage)  suppression check p50/p99 over a large list, filter build, CSV import",
     { try SuppressionBenchmark.run(arguments: $0) }),
    ("spool", "[--writers 20] [--messages 20000] [--recovery-messages 100000] [--recipients 10] [--in /tmp]",
     { try await SpoolBenchmark.run(arguments: $0) }),
]

if let name = arguments.first, let benchmark = benchmarks.first(where: { $0.name == name }) {
    do {
        try await benchmark.run(Array(arguments.dropFirst()))
    } catch {
        FileHandle.standardError.write(Data("SluiceBench \(name): \(error)\n".utf8))
        exit(1)
    }
} else {
    print("usage: SluiceBench <benchmark> [ARGS…]")
    for b in benchmarks { print("  \(b.name) \(b.help)") }
    exit(arguments.isEmpty ? 0 : 2)
}
