import SluiceConfig

/// A throttle override the node keeps in its override file (`set throttle --persist`): a
/// directive's value for a domain or a queue, where it is written, and until when it holds. The
/// node reads the file and hands the whole list to the engine as data
/// (``DeliveryEngine/setPersistedThrottles(_:now:)``); the engine layers the ones in force over the
/// configuration, below the live controls, and drops each at its expiry on its own clock.
public struct PersistedThrottle: Hashable, Sendable {
    /// A domain (`.domain`) or a queue (`.queue`).
    public var target: ControlTarget
    /// The directive's name.
    public var directive: String
    /// Its value.
    public var value: String
    /// The line of the override file it sits on: its origin in `show settings`.
    public var location: SourceLocation
    /// When it lapses, or nil for never.
    public var expiresAt: Instant?

    /// Creates an override.
    public init(target: ControlTarget, directive: String, value: String, location: SourceLocation, expiresAt: Instant? = nil) {
        self.target = target
        self.directive = directive
        self.value = value
        self.location = location
        self.expiresAt = expiresAt
    }

    /// True when it no longer holds at `now`.
    func hasLapsed(at now: Instant) -> Bool { expiresAt.map { $0 <= now } ?? false }
}
