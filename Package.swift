// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "sluice",
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The PowerMTA-dialect configuration language: lexer, parser, diagnostics, typed model,
        // effective settings per queue. Foundation only.
        .target(name: "SluiceConfig"),
        // The engine as pure logic on an injected clock.
        .target(name: "SluiceCore", dependencies: ["SluiceConfig"]),
        // Durable message storage and crash recovery.
        .target(name: "SluiceSpool", dependencies: ["SluiceCore"]),
        // ncursesw for the console; see Sources/CNcurses/shim.h.
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
        // The one executable.
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceConfig", "SluiceCore", "SluiceSpool",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Release-mode benchmarks whose figures are quoted in BENCHMARKS.md.
        .executableTarget(
            name: "SluiceBench",
            dependencies: ["SluiceConfig", "SluiceCore", "SluiceSpool"],
            path: "bench/SluiceBench"
        ),
        .testTarget(name: "SluiceConfigTests", dependencies: ["SluiceConfig"]),
        .testTarget(name: "SluiceCoreTests", dependencies: ["SluiceCore"]),
        .testTarget(name: "SluiceSpoolTests", dependencies: ["SluiceSpool"]),
        // A process the SluiceSpool crash-recovery test SIGKILLs mid-run (built by `swift build`).
        .executableTarget(name: "SpoolCrashHarness", dependencies: ["SluiceSpool"], path: "Tests/SpoolCrashHarness"),
    ],
    swiftLanguageModes: [.v6]
)
