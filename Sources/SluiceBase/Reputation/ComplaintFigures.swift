/// A domain's, queue's or virtual MTA's complaint figures at an instant: complaints against
/// deliveries over the last hour and the last 24 hours, and what came back since the node
/// started. The engine's reputation stats produce them; snapshots carry them as JSON
/// `{"1h":{…},"24h":{…},"complaints":3,"async_bounces":1}`.
public struct ComplaintFigures: Codable, Hashable, Sendable {
    /// Deliveries and complaints in one window, the rate and its level.
    public struct Window: Codable, Hashable, Sendable {
        /// Recipients delivered in the window.
        public var delivered: Int
        /// Complaints received in the window (by when they arrived, not when the mail went out).
        public var complaints: Int
        /// Complaints per 1,000 delivered; nil when nothing was delivered in the window.
        public var perThousand: Double?
        /// The rate against the thresholds.
        public var level: ComplaintLevel

        /// The window's figures; the rate and level follow from the counts and `thresholds`.
        public init(delivered: Int, complaints: Int, thresholds: ComplaintThresholds) {
            self.delivered = delivered
            self.complaints = complaints
            perThousand = ComplaintThresholds.perThousand(complaints: complaints, delivered: delivered)
            level = thresholds.level(complaints: complaints, delivered: delivered)
        }

        /// Decodes a window; a level this build does not know reads as `low-volume` (no level).
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            delivered = try c.decode(Int.self, forKey: .delivered)
            complaints = try c.decode(Int.self, forKey: .complaints)
            perThousand = try c.decodeIfPresent(Double.self, forKey: .perThousand)
            level = ComplaintLevel(rawValue: try c.decode(String.self, forKey: .level)) ?? .lowVolume
        }

        enum CodingKeys: String, CodingKey {
            case delivered, complaints, level
            case perThousand = "per_1000"
        }
    }

    /// The last hour (the current minute and the 59 before it).
    public var lastHour: Window
    /// The last 24 hours (the current clock hour and the 23 before it).
    public var lastDay: Window
    /// Complaints since the node started (or since the figures were last evicted).
    public var complaints: Int
    /// Asynchronous bounces (bounces reported after the remote server had accepted the mail).
    public var asyncBounces: Int

    /// Creates the figures.
    public init(lastHour: Window, lastDay: Window, complaints: Int, asyncBounces: Int) {
        self.lastHour = lastHour
        self.lastDay = lastDay
        self.complaints = complaints
        self.asyncBounces = asyncBounces
    }

    enum CodingKeys: String, CodingKey {
        case complaints
        case lastHour = "1h"
        case lastDay = "24h"
        case asyncBounces = "async_bounces"
    }
}
