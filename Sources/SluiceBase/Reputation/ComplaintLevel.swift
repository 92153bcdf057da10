/// How a complaint rate stands against the spam-rate thresholds: the engine computes it, the
/// control plane carries it (JSON `ok`, `flag`, `alarm`, `low-volume`), the console colours it.
public enum ComplaintLevel: String, Codable, Hashable, Sendable, CaseIterable {
    /// At or below the flag threshold.
    case ok
    /// Above the flag threshold (0.1 % by default): worth watching.
    case flag
    /// Above the alarm threshold (0.3 % by default): mailbox providers start to filter or block.
    case alarm
    /// Too few deliveries in the window for the rate to mean anything; no level is given.
    case lowVolume = "low-volume"
}

/// The spam-rate thresholds, as complaints per 1,000 delivered. The defaults are the mailbox
/// providers' published limits (Gmail's and Yahoo's sender guidelines): stay below 0.1 %, never
/// reach 0.3 %.
///
/// A rate over a handful of deliveries says nothing (one complaint in 20 deliveries is 5 %), so
/// below ``minimumDelivered`` deliveries in a window the level is ``ComplaintLevel/lowVolume``;
/// the rate itself is still reported. With the default minimum of 1,000, a single complaint
/// cannot raise a flag on its own (1 in 1,000 is exactly 0.1 %, not above it).
public struct ComplaintThresholds: Hashable, Sendable {
    /// Above this many complaints per 1,000 delivered: ``ComplaintLevel/flag``.
    public var flagPerThousand: Double
    /// Above this many complaints per 1,000 delivered: ``ComplaintLevel/alarm``.
    public var alarmPerThousand: Double
    /// Fewer deliveries than this in the window: ``ComplaintLevel/lowVolume``.
    public var minimumDelivered: Int

    /// The thresholds; by default 1 and 3 per 1,000 (0.1 % and 0.3 %) and 1,000 deliveries.
    public init(flagPerThousand: Double = 1, alarmPerThousand: Double = 3, minimumDelivered: Int = 1_000) {
        self.flagPerThousand = flagPerThousand
        self.alarmPerThousand = alarmPerThousand
        self.minimumDelivered = minimumDelivered
    }

    /// Complaints per 1,000 delivered, or nil when nothing was delivered.
    public static func perThousand(complaints: Int, delivered: Int) -> Double? {
        delivered > 0 ? Double(complaints) * 1_000 / Double(delivered) : nil
    }

    /// The level of `complaints` against `delivered` in one window.
    public func level(complaints: Int, delivered: Int) -> ComplaintLevel {
        guard delivered >= max(1, minimumDelivered),
              let rate = Self.perThousand(complaints: complaints, delivered: delivered) else { return .lowVolume }
        if rate > alarmPerThousand { return .alarm }
        if rate > flagPerThousand { return .flag }
        return .ok
    }
}
