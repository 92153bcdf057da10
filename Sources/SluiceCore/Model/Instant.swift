import SluiceConfig

/// A point in time, in milliseconds since the Unix epoch. The engine never reads a clock: every
/// input carries the current instant, so tests can run hours of simulated time in milliseconds.
public struct Instant: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    /// Creates an instant.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// The epoch, a convenient start for simulations.
    public static let zero = Instant(milliseconds: 0)

    public static func < (a: Instant, b: Instant) -> Bool { a.milliseconds < b.milliseconds }

    /// The instant `span` later (clamped at the end of time rather than overflowing).
    public static func + (a: Instant, span: TimeSpan) -> Instant { Instant(milliseconds: satAdd(a.milliseconds, span.milliseconds)) }
    /// The instant `span` earlier.
    public static func - (a: Instant, span: TimeSpan) -> Instant { Instant(milliseconds: a.milliseconds - span.milliseconds) }
    /// The time from `b` to `a`.
    public static func - (a: Instant, b: Instant) -> TimeSpan { TimeSpan(milliseconds: a.milliseconds - b.milliseconds) }

    /// Seconds since the epoch with millisecond precision, e.g. `12.345`.
    public var description: String {
        let magnitude = milliseconds.magnitude
        let frac = String(magnitude % 1000)
        return "\(milliseconds < 0 ? "-" : "")\(magnitude / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac)"
    }
}

/// A source of the current time for the outer, I/O-performing layer. The pure engine takes
/// instants as arguments instead.
public protocol Clock: Sendable {
    /// The current instant.
    func now() -> Instant
}
