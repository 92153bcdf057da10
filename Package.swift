// swift-tools-version: 6.0
import PackageDescription

let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
]

let lifecycle: [Target.Dependency] = [
    .product(name: "Logging", package: "swift-log"),
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
    .product(name: "UnixSignals", package: "swift-service-lifecycle"),
]

let package = Package(
    name: "sluice",
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
        // The parsers of untrusted input, for the libFuzzer targets in Fuzz/.
        .library(name: "SluiceReports", targets: ["SluiceReports"]),
        .library(name: "SluiceConfig", targets: ["SluiceConfig"]),
        .library(name: "SluiceBase", targets: ["SluiceBase"]),
        .library(name: "SluiceControlProtocol", targets: ["SluiceControlProtocol"]),
        // The core modules whose unit tests Sanitize/ runs under ThreadSanitizer and AddressSanitizer.
        .library(name: "SluiceCore", targets: ["SluiceCore"]),
        .library(name: "SluiceSpool", targets: ["SluiceSpool"]),
        .library(name: "SluiceSQLite", targets: ["SluiceSQLite"]),
        .library(name: "SluiceSuppression", targets: ["SluiceSuppression"]),
        .library(name: "SluiceRedis", targets: ["SluiceRedis"]),
        .library(name: "SluiceAccounting", targets: ["SluiceAccounting"]),
        .library(name: "SluiceTLS", targets: ["SluiceTLS"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // The PowerMTA-dialect configuration language: lexer, parser, diagnostics, typed model,
        // effective settings per queue. Foundation only.
        .target(name: "SluiceConfig"),
        // The shared vocabulary below the engine: instants and the one time source, message,
        // connection and transaction IDs, queue keys, the SMTP reply, the control vocabulary,
        // UTC calendar dates, the seeded random generator.
        .target(name: "SluiceBase", dependencies: ["SluiceConfig"]),
        // The engine as pure logic on an injected clock.
        .target(name: "SluiceCore", dependencies: ["SluiceBase", "SluiceConfig"]),
        // Durable message storage and crash recovery.
        .target(name: "SluiceSpool", dependencies: ["SluiceBase", "CCRC32C"]),
        // CRC-32C with the processor's instruction (SSE4.2), for the spool's record checksums.
        .target(name: "CCRC32C"),
        // SMTP on SwiftNIO: the injection server and the delivery client, reply parsing.
        .target(
            name: "SluiceSMTP",
            dependencies: ["SluiceBase", "SluiceTLS", .product(name: "NIOTLS", package: "swift-nio")] + nio
        ),
        // TLS as a SwiftNIO channel handler on Debian's OpenSSL (libssl-dev), for STARTTLS both ways:
        // contexts, certificates and keys from PEM, sessions over memory buffers. No BoringSSL to build.
        .target(name: "SluiceTLS", dependencies: ["CSSL", .product(name: "NIOTLS", package: "swift-nio")] + nio),
        // Debian's libssl and libcrypto; see Sources/CSSL/shim.h.
        .systemLibrary(name: "CSSL", path: "Sources/CSSL"),
        // MX / A / AAAA resolution through the system resolver, with a TTL cache; TXT lookups.
        .target(name: "SluiceDNS", dependencies: ["SluiceBase", "SluiceConfig", "CResolv"]),
        // DKIM signing (RFC 6376, RFC 8463): keys, canonicalization, signatures, key records.
        .target(name: "SluiceDKIM", dependencies: ["CCrypto"]),
        // The `sluice dkim` commands' logic: selector names, the keygen plan, key files written 0600,
        // a published key record checked against a key.
        .target(name: "SluiceDKIMTools", dependencies: ["SluiceDKIM", "SluiceDNS"]),
        // Debian's libcrypto (libssl-dev) for RSA, Ed25519 and SHA-256; see Sources/CCrypto/shim.h.
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto"),
        // Debian's libsqlite3 (libsqlite3-dev); see Sources/CSQLite/shim.h.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        // A small SQLite wrapper: connections in WAL mode with a busy timeout, prepared statements,
        // transactions, errors with SQLite's message.
        .target(name: "SluiceSQLite", dependencies: ["CSQLite"]),
        // The suppression list: entries by address and scope in SQLite, the in-memory filter in
        // front of it, CSV import and export.
        .target(name: "SluiceSuppression", dependencies: ["SluiceSQLite", "SluiceBase"]),
        // A Redis client on SwiftNIO for the fleet's shared state: the RESP2/RESP3 codec, pipelined
        // connections, Lua scripts by SHA-1, pub/sub.
        .target(name: "SluiceRedis", dependencies: nio),
        // libresolv; see Sources/CResolv/shim.h.
        .systemLibrary(name: "CResolv", path: "Sources/CResolv"),
        // The control plane's wire: snapshots, operations, results, request/response/frame lines,
        // command validation, the endpoint protocol and the line framing both ends use.
        .target(
            name: "SluiceControlProtocol",
            dependencies: ["SluiceBase", "SluiceConfig", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // The control plane's server half: the command service with audit and persisted overrides,
        // the control socket, the HTTP API and metrics.
        .target(
            name: "SluiceControlServer",
            dependencies: ["SluiceControlProtocol", "SluiceCore", "SluiceConfig"] + nio
                + [.product(name: "NIOHTTP1", package: "swift-nio")]
        ),
        // The control plane's client half: the socket client, the snapshot merger, the renderers.
        .target(name: "SluiceControlClient", dependencies: ["SluiceControlProtocol", "SluiceBase"] + nio),
        // PowerMTA-compatible accounting CSV with rotation, and RFC 3464 delivery status notifications.
        .target(name: "SluiceAccounting", dependencies: ["SluiceCore", "SluiceConfig"]),
        // Simulated receiving ISPs (profiles as data files), the traffic generator's plan and the
        // loopback guard: pure logic, no sockets; the SMTP layer is wired around it by the executable.
        .target(name: "SluiceSandbox", dependencies: ["SluiceConfig", "SluiceBase"], resources: [.copy("Profiles")]),
        // The sandbox on the network: the SMTP receiver around SandboxReceiver and the traffic
        // generator that injects a TrafficPlan over SMTP.
        .target(name: "SluiceSandboxServer", dependencies: ["SluiceBase", "SluiceSandbox", "SluiceSMTP"] + nio),
        // Inbound bounce and complaint reports read from raw messages: RFC 3464, ARF (RFC 5965),
        // Microsoft JMRP and the common non-standard bounces. Pure: bytes in, values out.
        .target(name: "SluiceReports"),
        // The MTA assembled: listeners, engine, spool, delivery, control plane in one process.
        .target(
            name: "SluiceServer",
            dependencies: ["SluiceConfig", "SluiceCore", "SluiceSpool", "SluiceSMTP", "SluiceDNS", "SluiceControlProtocol",
                           "SluiceControlServer", "SluiceAccounting", "SluiceDKIM", "SluiceSuppression", "SluiceSQLite",
                           "SluiceReports", "SluiceRedis"] + nio + lifecycle
        ),
        // `sluice demo`: the embedded config, sandbox receivers, the generator and the node in
        // one process, with a live line and a per-domain summary.
        .target(
            name: "SluiceDemo",
            dependencies: ["SluiceConfig", "SluiceCore", "SluiceSMTP", "SluiceDNS", "SluiceControlProtocol", "SluiceControlServer",
                           "SluiceServer", "SluiceSandbox", "SluiceSandboxServer"] + nio
        ),
        // The operations console: reducer, renderers, themes, terminal backends.
        .target(name: "SluiceConsole", dependencies: ["SluiceControlProtocol", "SluiceConfig", "CNcurses"]),
        // ncursesw for the console; see Sources/CNcurses/shim.h.
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
        // glibc's mallopt, to return large message buffers to the system; see Sources/CMalloc/shim.h.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        // The one executable.
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceConfig", "SluiceCore", "SluiceSpool", "SluiceControlProtocol", "SluiceControlClient",
                "SluiceConsole", "SluiceServer", "SluiceSandbox", "SluiceSandboxServer", "SluiceDemo", "CMalloc",
                "SluiceDKIM", "SluiceDKIMTools", "SluiceDNS", "SluiceSuppression",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ] + nio
        ),
        // Release-mode benchmarks whose figures are quoted in BENCHMARKS.md.
        .executableTarget(
            name: "SluiceBench",
            dependencies: ["SluiceConfig", "SluiceCore", "SluiceSpool", "SluiceControlProtocol", "SluiceControlClient",
                           "SluiceConsole", "SluiceServer", "SluiceSMTP", "SluiceDKIM", "CCrypto", "SluiceSuppression"] + nio,
            path: "bench/SluiceBench"
        ),
        // A process the SluiceSpool crash-recovery test SIGKILLs mid-run (built by `swift build`).
        .executableTarget(name: "SpoolCrashHarness", dependencies: ["SluiceSpool"], path: "Tests/SpoolCrashHarness"),
        .testTarget(name: "SluiceConfigTests", dependencies: ["SluiceConfig", "SluiceBase"]),
        .testTarget(name: "SluiceCoreTests", dependencies: ["SluiceCore"]),
        .testTarget(name: "SluiceSpoolTests", dependencies: ["SluiceSpool"]),
        .testTarget(name: "SluiceTLSTests", dependencies: ["SluiceTLS", .product(name: "NIOEmbedded", package: "swift-nio")] + nio),
        .testTarget(name: "SluiceSuppressionTests", dependencies: ["SluiceSuppression", "SluiceSQLite", "SluiceBase"]),
        .testTarget(
            name: "SluiceSMTPTests",
            dependencies: ["SluiceSMTP", .product(name: "NIOEmbedded", package: "swift-nio")],
            exclude: ["Scripts"]
        ),
        // A redis-server on a free loopback port for the Redis client's and the fleet's tests.
        .target(name: "RedisTestSupport", path: "Tests/RedisTestSupport"),
        .testTarget(
            name: "SluiceRedisTests",
            dependencies: ["SluiceRedis", "RedisTestSupport", .product(name: "NIOEmbedded", package: "swift-nio")] + nio
        ),
        .testTarget(name: "SluiceDKIMTests", dependencies: ["SluiceDKIM"], exclude: ["Scripts"]),
        .testTarget(name: "SluiceDKIMToolsTests", dependencies: ["SluiceDKIMTools", "SluiceDKIM", "SluiceDNS"]),
        .testTarget(name: "SluiceDNSTests", dependencies: ["SluiceDNS", "SluiceBase", "SluiceConfig"], exclude: ["Scripts"]),
        .testTarget(
            name: "SluiceControlTests",
            dependencies: ["SluiceControlProtocol", "SluiceControlServer", "SluiceControlClient", "SluiceConfig"],
            exclude: ["PowerMTACorpus"]
        ),
        .testTarget(
            name: "SluiceConsoleTests",
            dependencies: ["SluiceConsole", "SluiceControlProtocol", "SluiceCore", "SluiceConfig", "CNcurses"],
            exclude: ["Snapshots"]
        ),
        .testTarget(name: "SluiceAccountingTests", dependencies: ["SluiceAccounting", "SluiceCore", "SluiceConfig"]),
        .testTarget(name: "SluiceSandboxTests", dependencies: ["SluiceSandbox"]),
        .testTarget(name: "SluiceReportsTests", dependencies: ["SluiceReports"], exclude: ["Samples"]),
        .testTarget(
            name: "SluiceDemoTests",
            dependencies: ["SluiceDemo", "SluiceConfig", "SluiceCore", "SluiceSMTP", "SluiceControlProtocol", "SluiceServer",
                           "SluiceSandbox", "SluiceSandboxServer"]
        ),
        .testTarget(
            name: "SluiceSandboxServerTests",
            dependencies: ["SluiceSandboxServer", "SluiceSandbox", "SluiceSMTP", .product(name: "NIOEmbedded", package: "swift-nio")] + nio,
            exclude: ["Scripts"]
        ),
        .testTarget(
            name: "SluiceServerTests",
            dependencies: ["SluiceServer", "SluiceConfig", "SluiceCore", "SluiceSpool", "SluiceControlProtocol",
                           "SluiceControlServer", "SluiceControlClient", "SluiceDKIM", "SluiceSuppression", "SluiceRedis",
                           "SluiceConsole", "RedisTestSupport"] + nio + lifecycle
        ),
    ],
    swiftLanguageModes: [.v6]
)
