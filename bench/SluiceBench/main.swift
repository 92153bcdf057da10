// Release-mode benchmarks: `swift run -c release SluiceBench <name>`.
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "spool":
    try await SpoolBenchmark.run(arguments: Array(arguments.dropFirst()))
default:
    print("usage: SluiceBench <benchmark>\n  spool [--writers 20] [--messages 20000] [--recovery-messages 100000] [--recipients 10] [--in /tmp]")
}
