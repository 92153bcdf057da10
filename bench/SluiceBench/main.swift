// Release-mode benchmarks: `swift run -c release SluiceBench <name>`.
switch CommandLine.arguments.dropFirst().first {
case "console": ConsoleBench.run()
default: print("usage: SluiceBench <benchmark>   (benchmarks: console)")
}
