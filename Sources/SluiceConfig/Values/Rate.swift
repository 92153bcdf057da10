/// A rate limit such as `50/s`, `500/h`, `83/10m`, `2000/day` or `unlimited`.
public enum Rate: Hashable, Sendable, CustomStringConvertible {
    /// No limit.
    case unlimited
    /// At most `count` events per `per`.
    case limited(count: Int, per: TimeSpan)

    /// The sustained rate in events per second, or nil when unlimited.
    public var perSecond: Double? {
        switch self {
        case .unlimited: return nil
        case .limited(let count, let per): return per.milliseconds > 0 ? Double(count) / per.seconds : nil
        }
    }

    /// The interval between two events at the sustained rate (GCRA's emission interval), or nil.
    public var emissionInterval: TimeSpan? {
        switch self {
        case .unlimited: return nil
        case .limited(let count, let per):
            guard count > 0 else { return nil }
            return TimeSpan(milliseconds: max(1, per.milliseconds / Int64(count)))
        }
    }

    /// Parses `N/UNIT`, `N/KUNIT` (`83/10m`), a long unit name (`50/second`, `2000/day`) or `unlimited`.
    public init(parsing text: String) throws(ValueError) {
        let error = ValueError(expected: "a rate such as 50/s, 500/h or 83/10m", found: text)
        let lower = text.lowercased()
        if lower == "unlimited" { self = .unlimited; return }
        let parts = lower.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int(parts[0]), count >= 0, !parts[1].isEmpty else { throw error }
        var unit = String(parts[1])
        if unit.first?.isASCIIDigit != true { unit = "1" + unit }
        guard let per = try? TimeSpan(parsing: unit), per.milliseconds > 0 else { throw error }
        self = .limited(count: count, per: per)
    }

    /// `unlimited`, `50/s`, `500/h`, `83/10m`, `2000/d`.
    public var description: String {
        switch self {
        case .unlimited: return "unlimited"
        case .limited(let count, let per):
            let s = per.description
            let unit = s.hasPrefix("1") && s.dropFirst().allSatisfy(\.isLetter) ? String(s.dropFirst()) : s
            return "\(count)/\(unit)"
        }
    }
}
