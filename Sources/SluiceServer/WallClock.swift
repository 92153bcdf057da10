import Foundation
import SluiceCore

/// The system's wall clock in milliseconds since 1970.
public struct WallClock: SluiceCore.Clock {
    /// Creates the clock.
    public init() {}

    /// Now.
    public func now() -> Instant {
        Instant(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}
