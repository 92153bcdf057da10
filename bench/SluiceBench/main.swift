// Release-mode benchmarks: `swift run -c release SluiceBench <name>`.
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "config":
    try runConfigBenchmark(Array(arguments.dropFirst()))
default:
    print("usage: SluiceBench <benchmark>\n  config [DIR]   load and check a 5,000-domain, 500-vmta config")
}
