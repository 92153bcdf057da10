import Foundation
import SluiceCore

/// The wall clock, for the I/O layer.
struct WallClock: Clock {
    func now() -> Instant { Instant(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded())) }
}
