import Foundation
import Testing

/// The programs outside the package that tests of this target talk to, one trait each: a test
/// whose program is missing is skipped with a reason naming what to install (never failed, never
/// passed silently). `.ci/run` installs them all and fails when any test was skipped.
enum Peers {
    /// Postfix's `smtp-sink` at /usr/sbin/smtp-sink.
    static let smtpSink = ConditionTrait.enabled(if: installed("/usr/sbin/smtp-sink"),
                                                 "needs smtp-sink: apt-get install postfix")
    /// `/usr/bin/python3` (its standard library is enough).
    static let python3 = ConditionTrait.enabled(if: installed("/usr/bin/python3"), "needs python3: apt-get install python3")
    /// `/usr/bin/openssl`, which makes the test certificates.
    static let openssl = ConditionTrait.enabled(if: installed("/usr/bin/openssl"), "needs openssl: apt-get install openssl")

    /// Debian's python3 with dkimpy and PyNaCl: the independent DKIM verifier.
    static let dkimpy = ConditionTrait.enabled(if: python3Imports("dkim", "nacl"),
                                               "needs dkimpy and PyNaCl: apt-get install python3-dkim python3-nacl")

    /// True when /usr/bin/python3 imports every module named.
    static func python3Imports(_ modules: String...) -> Bool {
        guard installed("/usr/bin/python3") else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import " + modules.joined(separator: ", ")]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// True when `path` is an executable file.
    static func installed(_ path: String) -> Bool { FileManager.default.isExecutableFile(atPath: path) }
}
