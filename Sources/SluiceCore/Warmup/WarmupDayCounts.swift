import SluiceConfig

/// What a warming vmta did on one UTC day: the figures its schedule's thresholds are checked
/// against and its daily caps count.
public struct WarmupDayCounts: Hashable, Sendable, Codable {
    /// Messages started (one per transaction), over all domains.
    public var sent = 0
    /// Messages started per destination domain (the queue's domain, lower case).
    public var sentByDomain: [String: Int] = [:]
    /// Recipients delivered.
    public var delivered = 0
    /// Recipient attempts deferred.
    public var deferred = 0
    /// Recipients bounced.
    public var bounced = 0
    /// Complaints (feedback-loop reports) attributed to the vmta.
    public var complaints = 0

    /// No mail yet.
    public init() {}

    /// Delivered, deferred and bounced recipient attempts.
    public var attempts: Int { delivered + deferred + bounced }

    /// The first threshold the day crossed, as a reason such as `deferral rate 14.0% > 10%`, or
    /// nil when the day stayed within every threshold.
    public func crossing(_ thresholds: WarmupThresholds) -> String? {
        func check(_ name: String, _ count: Int, of total: Int, _ limit: Double?) -> String? {
            guard let limit, total > 0 else { return nil }
            let rate = Double(count) / Double(total)
            guard rate > limit else { return nil }
            return "\(name) rate \(Self.percent(rate)) > \(Self.percent(limit))"
        }
        return check("deferral", deferred, of: attempts, thresholds.maxDeferralRate)
            ?? check("bounce", bounced, of: attempts, thresholds.maxBounceRate)
            ?? check("complaint", complaints, of: delivered, thresholds.maxComplaintRate)
    }

    /// `14.2%`, `0.1%`: a fraction as a percentage with at most one decimal.
    static func percent(_ fraction: Double) -> String {
        let tenths = (fraction * 1000).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0
            ? "\(Int(tenths / 10))%" : "\(Int(tenths) / 10).\(Int(tenths) % 10)%"
    }
}
