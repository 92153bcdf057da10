import SluiceConfig
import SluiceBase

/// A GCRA (generic cell rate algorithm) limiter keyed by source IP: `count` events per `per`, with
/// bursts of up to `burst` events at once. Refused events do not use up the allowance.
///
/// Times are kept in "milliseconds × count" units relative to an origin, so `83/10m` is exact.
struct SourceRateLimiter: Hashable, Sendable {
    private let count: Int64
    private let period: Int64
    private let tolerance: Int64
    private let origin: Instant
    /// Theoretical arrival time per source, in scaled units.
    private var arrival: [IPAddress: Int64] = [:]

    /// A limiter for `rate` (which must be `.limited` with a positive count; others never limit).
    init?(rate: Rate, burst: Int, origin: Instant) {
        guard case .limited(let count, let per) = rate, count > 0, per.milliseconds > 0 else { return nil }
        self.count = Int64(min(count, 1_000_000))
        self.period = per.milliseconds
        let (tolerance, overflow) = Int64(max(1, burst) - 1).multipliedReportingOverflow(by: per.milliseconds)
        self.tolerance = overflow ? Int64.max / 4 : min(tolerance, Int64.max / 4)
        self.origin = origin
    }

    /// Records an event from `source` at `now`; false when it is beyond the limit (and not recorded).
    mutating func admit(_ source: IPAddress, at now: Instant) -> Bool {
        let elapsed = max(0, now.milliseconds - origin.milliseconds)
        let (scaled, overflow) = elapsed.multipliedReportingOverflow(by: count)
        let t = overflow ? Int64.max / 4 : min(scaled, Int64.max / 4)
        let tat = arrival[source] ?? t
        if t < tat - tolerance { return false }
        arrival[source] = min(max(tat, t), Int64.max / 4) + min(period, Int64.max / 4)
        if arrival.count > 4096 { arrival = arrival.filter { $0.value > t } }
        return true
    }
}
