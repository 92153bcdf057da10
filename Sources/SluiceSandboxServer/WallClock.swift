import Foundation
import SluiceCore

/// The system's wall clock, for servers and generators running in real time.
public struct WallClock: Clock {
    /// Creates the clock.
    public init() {}

    /// Now, to the millisecond.
    public func now() -> Instant { Instant(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded())) }
}
