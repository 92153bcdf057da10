// swift-tools-version:6.0
// libFuzzer targets for Sluice's parsers of untrusted input. Built apart from the main package
// (the fuzzer instrumentation applies to everything built), release mode:
//
//   cd Fuzz && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
//   .build/release/FuzzReports Corpus/reports -max_total_time=600
//
// See Fuzz/README.md and RELIABILITY.md.
import PackageDescription

let package = Package(
    name: "sluice-fuzz",
    dependencies: [.package(name: "sluice", path: "..")],
    targets: [
        // The entry point every fuzzer shares: hands argc/argv to libFuzzer's driver.
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzReports", dependencies: [
            "FuzzDriver", .product(name: "SluiceReports", package: "sluice"),
        ]),
        .executableTarget(name: "FuzzConfig", dependencies: [
            "FuzzDriver", .product(name: "SluiceConfig", package: "sluice"),
        ]),
        .executableTarget(name: "FuzzReply", dependencies: [
            "FuzzDriver", .product(name: "SluiceBase", package: "sluice"),
        ]),
        .executableTarget(name: "FuzzControl", dependencies: [
            "FuzzDriver", .product(name: "SluiceControlProtocol", package: "sluice"),
        ]),
        .executableTarget(name: "FuzzCommand", dependencies: [
            "FuzzDriver", .product(name: "SluiceBase", package: "sluice"),
        ]),
    ]
)
