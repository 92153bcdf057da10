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

    /// The time of day in UTC, `HH:MM:SSZ`, for operator-facing text such as "backoff since 16:49:49Z".
    public var timeOfDayUTC: String {
        let second = (milliseconds / 1000 % 86_400 + 86_400) % 86_400
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))Z"
    }
}

/// The one time source of the outer, I/O-performing layer: the current instant and waiting for a
/// later one. The pure engine takes instants as arguments instead.
///
/// ``WallClock`` is the system's; ``VirtualClock`` is moved by hand (tests, simulations), and its
/// sleepers wake when it is advanced past their deadline. No other code reads the system clock or
/// sleeps on it.
public protocol Clock: Sendable {
    /// The current instant.
    func now() -> Instant

    /// Suspends until this clock reaches `deadline` (at once when it already has).
    ///
    /// - Throws: `CancellationError` when the calling task is cancelled before then.
    func sleep(until deadline: Instant) async throws
}

extension Clock {
    /// Suspends for `span` of this clock's time.
    ///
    /// - Throws: `CancellationError` when the calling task is cancelled before then.
    public func sleep(for span: TimeSpan) async throws {
        try await sleep(until: now() + span)
    }
}

extension TimeSpan {
    /// `duration` in whole milliseconds (rounded towards zero; clamped past about 292 million years).
    public init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let limit = Int64.max / 1000 - 1
        self.init(milliseconds: min(max(seconds, -limit), limit) * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}
