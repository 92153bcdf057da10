import Foundation

/// The system's wall clock, to the millisecond: the clock of the I/O layer (servers, the daemon,
/// generators). The engine itself never reads a clock.
public struct WallClock: Clock {
    /// Creates the clock.
    public init() {}

    /// Now.
    public func now() -> Instant {
        Instant(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}
