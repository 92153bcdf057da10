/// One job of the Jobs view, `sluice show jobs` and `GET /api/v1/jobs` (JSON `jobs` of a
/// snapshot): a job is the X-Job header's value (PowerMTA's `jobid-header`), its mail spread over
/// every queue its recipients' domains route to.
public struct JobRow: Codable, Hashable, Sendable {
    /// The job id.
    public var name: String
    /// Recipients not final yet: queued, deferred or in flight.
    public var queued: Int
    /// Recipients delivered.
    public var delivered: Int
    /// Delivery attempts deferred.
    public var deferred: Int
    /// Recipients bounced or expired.
    public var bounced: Int
    /// Recipients deleted by an operator.
    public var deleted: Int
    /// Complaints about its messages.
    public var complained: Int
    /// Recipients the suppression list refused at injection.
    public var suppressed: Int
    /// Final recipients over all its recipients, 0…1.
    public var progress: Double
    /// Recipients delivered per minute, over the last minute.
    public var deliveredPerMin: Double
    /// True while a pause covers it.
    public var paused: Bool
    /// The pause's id, who set it and why, when paused (`#4 by alice (uid 1000) via console: wrong template`).
    public var pausedBy: String?
    /// When it was first seen, Unix seconds.
    public var firstSeen: Double
    /// When it last changed, Unix seconds.
    public var lastActivity: Double

    /// Creates a row.
    public init(name: String, queued: Int, delivered: Int, deferred: Int, bounced: Int, deleted: Int, complained: Int,
                suppressed: Int, progress: Double, deliveredPerMin: Double, paused: Bool, pausedBy: String?,
                firstSeen: Double, lastActivity: Double) {
        self.name = name
        self.queued = queued
        self.delivered = delivered
        self.deferred = deferred
        self.bounced = bounced
        self.deleted = deleted
        self.complained = complained
        self.suppressed = suppressed
        self.progress = progress
        self.deliveredPerMin = deliveredPerMin
        self.paused = paused
        self.pausedBy = pausedBy
        self.firstSeen = firstSeen
        self.lastActivity = lastActivity
    }

    enum CodingKeys: String, CodingKey {
        case name, queued, delivered, deferred, bounced, deleted, complained, suppressed, progress, paused
        case deliveredPerMin = "delivered_per_min"
        case pausedBy = "paused_by"
        case firstSeen = "first_seen"
        case lastActivity = "last_activity"
    }
}
