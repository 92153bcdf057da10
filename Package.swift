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
        // Accounting CSV files with rotation, and RFC 3464 delivery status notifications.
        .target(name: "SluiceAccounting", dependencies: ["SluiceConfig", "SluiceCore"]),
        // The control plane: snapshots, protocol, command layer, HTTP API, client.
        .target(name: "SluiceControl", dependencies: ["SluiceCore"]),
        // Simulated receiving ISPs (profiles as data files), the traffic generator's plan and the
        // loopback guard: pure logic, no sockets; the SMTP layer is wired around it by the executable.
        .target(name: "SluiceSandbox", dependencies: ["SluiceConfig", "SluiceCore"], resources: [.copy("Profiles")]),
        // The operations console: reducer, renderers, themes, terminal backends.
        .target(name: "SluiceConsole", dependencies: ["SluiceControl", "SluiceConfig", "CNcurses"]),
        // ncursesw for the console; see Sources/CNcurses/shim.h.
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
        // The one executable.
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceConfig", "SluiceCore", "SluiceSpool", "SluiceControl", "SluiceConsole",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Release-mode benchmarks whose figures are quoted in BENCHMARKS.md.
        .executableTarget(
            name: "SluiceBench",
            dependencies: ["SluiceConfig", "SluiceCore", "SluiceSpool", "SluiceControl", "SluiceConsole"],
            path: "bench/SluiceBench"
        ),
        .testTarget(name: "SluiceConfigTests", dependencies: ["SluiceConfig"]),
        .testTarget(name: "SluiceCoreTests", dependencies: ["SluiceCore"]),
        .testTarget(name: "SluiceSpoolTests", dependencies: ["SluiceSpool"]),
        .testTarget(name: "SluiceAccountingTests", dependencies: ["SluiceAccounting", "SluiceCore", "SluiceConfig"]),
        .testTarget(name: "SluiceControlTests", dependencies: ["SluiceControl"]),
        .testTarget(name: "SluiceConsoleTests", dependencies: ["SluiceConsole", "SluiceControl", "SluiceCore", "SluiceConfig", "CNcurses"], exclude: ["Snapshots"]),
        .testTarget(name: "SluiceSandboxTests", dependencies: ["SluiceSandbox"]),
    ],
    swiftLanguageModes: [.v6]
)
