import Foundation
import Testing

/// The programs outside the package that tests of this target talk to, one trait each: a test
/// whose program is missing is skipped with a reason naming what to install. `.ci/run` installs
/// them all and fails when any test was skipped.
enum Peers {
    /// Debian's python3 with dkimpy and PyNaCl (for ed25519-sha256).
    static let dkimpy = ConditionTrait.enabled(
        if: python3Imports("dkim", "nacl"),
        "needs dkimpy and PyNaCl: apt-get install python3-dkim python3-nacl")

    /// `/usr/bin/openssl`, to write keys the way operators do.
    static let openssl = ConditionTrait.enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs openssl: apt-get install openssl")

    /// True when /usr/bin/python3 imports every module named.
    static func python3Imports(_ modules: String...) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import " + modules.joined(separator: ", ")]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
