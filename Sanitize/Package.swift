// swift-tools-version:6.0
// The unit tests of Sluice's core modules under a sanitizer, built apart from the main package so
// that a sanitized build compiles these modules and their tests only, not the whole product:
//
//   cd Sanitize && swift test --sanitize=thread  --scratch-path .build-tsan
//   cd Sanitize && swift test --sanitize=address --scratch-path .build-asan
//
// Tests/ holds symbolic links to the main package's test directories; see Sanitize/README.md.
import PackageDescription

let sluice = "sluice"
let package = Package(
    name: "sluice-sanitize",
    dependencies: [
        .package(name: sluice, path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .testTarget(name: "SluiceCoreTests", dependencies: [.product(name: "SluiceCore", package: sluice)]),
        .testTarget(name: "SluiceConfigTests", dependencies: [
            .product(name: "SluiceConfig", package: sluice), .product(name: "SluiceBase", package: sluice),
        ]),
        .testTarget(name: "SluiceSpoolTests", dependencies: [.product(name: "SluiceSpool", package: sluice)]),
        // The process CrashRecoveryTests SIGKILLs mid-run, next to the tests as in the main package.
        .executableTarget(name: "SpoolCrashHarness", dependencies: [.product(name: "SluiceSpool", package: sluice)],
                          path: "Tests/SpoolCrashHarness"),
        .testTarget(name: "SluiceSuppressionTests", dependencies: [
            .product(name: "SluiceSuppression", package: sluice), .product(name: "SluiceSQLite", package: sluice),
            .product(name: "SluiceBase", package: sluice),
        ], exclude: ["SuppressCommandTests.swift"]),  // runs the `sluice` executable, not built here
        .testTarget(name: "SluiceReportsTests", dependencies: [.product(name: "SluiceReports", package: sluice)],
                    exclude: ["Samples"]),
        // Starts redis-server for the Redis client's tests, as in the main package.
        .target(name: "RedisTestSupport", path: "Tests/RedisTestSupport"),
        .testTarget(name: "SluiceRedisTests", dependencies: [
            .product(name: "SluiceRedis", package: sluice), "RedisTestSupport",
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ]),
        // The TLS handler on OpenSSL: memory BIOs, sessions and credentials freed, under ASan and LSan.
        .testTarget(name: "SluiceTLSTests", dependencies: [
            .product(name: "SluiceTLS", package: sluice),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ]),
        .testTarget(name: "SluiceAccountingTests", dependencies: [
            .product(name: "SluiceAccounting", package: sluice), .product(name: "SluiceCore", package: sluice),
            .product(name: "SluiceConfig", package: sluice),
        ]),
    ]
)
