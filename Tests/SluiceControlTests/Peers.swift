import Foundation
import Testing

/// The programs outside the package that tests of this target talk to, one trait each: a test
/// whose program is missing is skipped with a reason naming what to install (never failed, never
/// passed silently). `.ci/run` installs them all and fails when any test was skipped.
enum Peers {
    /// python3 at /usr/bin or /usr/local/bin (its standard library is enough).
    static let python3 = ConditionTrait.enabled(if: python3Path != nil, "needs python3: apt-get install python3")
    /// The python3 that ``python3`` finds.
    static let python3Path = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: installed)
    /// python3 (the first on PATH) with the prometheus_client package, the independent parser of
    /// /metrics.
    static let prometheusClient = ConditionTrait.enabled(
        if: prometheusPython != nil,
        "needs python3 with prometheus_client: apt-get install python3-prometheus-client (or pip install prometheus_client)")

    /// True when `path` is an executable file.
    static func installed(_ path: String) -> Bool { FileManager.default.isExecutableFile(atPath: path) }
}
