/// The node's reputation loop at an instant, node-wide: injections refused or dropped because
/// the recipient is suppressed, DSNs sent to senders, complaints and asynchronous bounces
/// received, and reports that could not be read. Counts are since the node started; per-minute
/// figures are over the last 60 seconds. The `show status` document carries it as `reputation`.
public struct ReputationTotals: Codable, Hashable, Sendable {
    /// Injections refused or dropped for a suppressed recipient.
    public var suppressed: Int
    /// Of those, in the last minute.
    public var suppressedLastMinute: Int
    /// Suppressed injections per minute over the last hour, oldest first (60 values, the last
    /// one the current minute).
    public var suppressedHistory: [Int]
    /// DSNs generated for senders.
    public var dsnsSent: Int
    /// Of those, in the last minute.
    public var dsnsLastMinute: Int
    /// DSNs per action (`failed`, `delayed`, `relayed`, …).
    public var dsnsByAction: [String: Int]
    /// Complaints received (feedback-loop reports attributed or not).
    public var complaints: Int
    /// Complaints per feedback type (`abuse`, `fraud`, …).
    public var complaintsByType: [String: Int]
    /// Asynchronous bounces received.
    public var asyncBounces: Int
    /// Asynchronous bounces per bounce category.
    public var asyncBouncesByCategory: [String: Int]
    /// Inbound reports that could not be read.
    public var reportsUnparsed: Int

    /// Creates the totals.
    public init(suppressed: Int = 0, suppressedLastMinute: Int = 0, suppressedHistory: [Int] = [], dsnsSent: Int = 0,
                dsnsLastMinute: Int = 0, dsnsByAction: [String: Int] = [:], complaints: Int = 0,
                complaintsByType: [String: Int] = [:], asyncBounces: Int = 0, asyncBouncesByCategory: [String: Int] = [:],
                reportsUnparsed: Int = 0) {
        self.suppressed = suppressed
        self.suppressedLastMinute = suppressedLastMinute
        self.suppressedHistory = suppressedHistory
        self.dsnsSent = dsnsSent
        self.dsnsLastMinute = dsnsLastMinute
        self.dsnsByAction = dsnsByAction
        self.complaints = complaints
        self.complaintsByType = complaintsByType
        self.asyncBounces = asyncBounces
        self.asyncBouncesByCategory = asyncBouncesByCategory
        self.reportsUnparsed = reportsUnparsed
    }

    enum CodingKeys: String, CodingKey {
        case suppressed, complaints
        case suppressedLastMinute = "suppressed_last_min"
        case suppressedHistory = "suppressed_history"
        case dsnsSent = "dsns_sent"
        case dsnsLastMinute = "dsns_last_min"
        case dsnsByAction = "dsns_by_action"
        case complaintsByType = "complaints_by_type"
        case asyncBounces = "async_bounces"
        case asyncBouncesByCategory = "async_bounces_by_category"
        case reportsUnparsed = "reports_unparsed"
    }
}
