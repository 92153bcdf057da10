import Foundation

/// The system's wall clock, to the millisecond: the clock of the I/O layer (servers, the daemon,
/// generators). The engine itself never reads a clock.
///
/// This file is the only place in Sources/ that reads the system time or sleeps on it
/// (`RepositoryTests` checks it); everything else asks a ``Clock``.
public struct WallClock: Clock {
    /// Creates the clock.
    public init() {}

    /// Now.
    public func now() -> Instant {
        Instant(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }

    /// Sleeps in real time until the wall clock reads `deadline`.
    ///
    /// - Throws: `CancellationError` when the calling task is cancelled before then.
    public func sleep(until deadline: Instant) async throws {
        let current = now()
        guard deadline > current else {
            try Task.checkCancellation()
            return
        }
        let (delay, overflow) = deadline.milliseconds.subtractingReportingOverflow(current.milliseconds)
        try await Task.sleep(for: .milliseconds(overflow ? Int64.max / 1000 : delay))
    }
}

extension Instant {
    /// The instant as a Foundation `Date`, for formatting (log timestamps, accounting times).
    public var date: Date { Date(timeIntervalSince1970: secondsSince1970) }

    /// Seconds since the Unix epoch, with the milliseconds as the fraction.
    public var secondsSince1970: Double { Double(milliseconds) / 1000 }
}

/// A deadline on the monotonic clock for synchronous waits on the operating system (a child
/// process exiting, a lock an exiting child still holds, a pipe taking data), which no simulated
/// clock can advance. ``pause(_:)`` blocks the calling thread: never used on an event loop or by
/// the engine.
public struct RealTimeDeadline: Sendable {
    private let end: ContinuousClock.Instant

    /// The deadline `budget` from now.
    public init(after budget: Duration) { end = ContinuousClock.now + budget }

    /// The time left; zero once passed.
    public var remaining: Duration { max(.zero, end - ContinuousClock.now) }

    /// True once passed.
    public var hasPassed: Bool { ContinuousClock.now >= end }

    /// Blocks the calling thread for `interval`, or until the deadline when that is sooner.
    public func pause(_ interval: Duration) {
        let (seconds, attoseconds) = min(interval, remaining).components
        usleep(UInt32(clamping: seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
    }
}

/// Real elapsed time on the monotonic clock, for measurements such as how long an fsync took.
public struct Stopwatch: Sendable {
    private let start = ContinuousClock.now

    /// Starts now.
    public init() {}

    /// The time since the stopwatch started.
    public var elapsed: Duration { ContinuousClock.now - start }
}
