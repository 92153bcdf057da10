// Release-mode benchmarks: `swift run -c release SluiceBench <name>`.
let benchmarks: [String: ([String]) throws -> Void] = [
    "core": { _ in try CoreBenchmark.run() },
    "core-memory": CoreBenchmark.memoryChild,
    "core-cycle": CoreBenchmark.cycleOnly,
]
let name = CommandLine.arguments.dropFirst().first ?? ""
if let benchmark = benchmarks[name] {
    try benchmark(Array(CommandLine.arguments.dropFirst(2)))
} else {
    print("usage: SluiceBench <benchmark>   (benchmarks: \(benchmarks.keys.sorted().joined(separator: ", ")))")
}
