// Release-mode benchmarks: `swift run -c release SluiceBench <name> [ARGS…]`.
// Each prints its figures; BENCHMARKS.md quotes them with the command that reproduces them.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let benchmarks: [(name: String, help: String, run: ([String]) throws -> Void)] = [
    ("config", "[DIR]  load and check a generated 5,000-domain, 500-vmta config", runConfigBenchmark),
    ("console", "       render 10,000-queue frames and decode snapshots", { _ in ConsoleBench.run() }),
]

if let name = arguments.first, let benchmark = benchmarks.first(where: { $0.name == name }) {
    do {
        try benchmark.run(Array(arguments.dropFirst()))
    } catch {
        FileHandle.standardError.write(Data("SluiceBench \(name): \(error)\n".utf8))
        exit(1)
    }
} else {
    print("usage: SluiceBench <benchmark> [ARGS…]")
    for b in benchmarks { print("  \(b.name) \(b.help)") }
    exit(arguments.isEmpty ? 0 : 2)
}
