// Release-mode benchmarks: `swift run -c release SluiceBench <name>`.
print("usage: SluiceBench <benchmark>")
