import Foundation
import Testing

/// The programs outside the package that tests of this target talk to, one trait each: a test
/// whose program is missing is skipped with a reason naming what to install (never failed, never
/// passed silently). `.ci/run` installs them all and fails when any test was skipped.
enum Peers {
    /// `/usr/bin/python3` (its standard library is enough), for the loopback DNS stub.
    static let python3 = ConditionTrait.enabled(if: installed("/usr/bin/python3"), "needs python3: apt-get install python3")

    /// True when `path` is an executable file.
    static func installed(_ path: String) -> Bool { FileManager.default.isExecutableFile(atPath: path) }
}
