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
