/// Messages a day, as `max-cold-virtual-mta-msg` and the warm-up schedules' `max-msg` write them.
enum DailyCount {
    /// Parses `500/day` (or `500/d`, `500/24h`) or a bare `500`; `unlimited` is 0 when allowed.
    static func parse(_ text: String, allowUnlimited: Bool = false) throws(ValueError) -> Int {
        let error = ValueError(expected: "a number of messages a day such as 500/day", found: text)
        if allowUnlimited, text.lowercased() == "unlimited" { return 0 }
        if let n = Int(text), n >= 0 { return n }
        guard case .limited(let count, let per) = try? Rate(parsing: text), per == .hours(24) else { throw error }
        return count
    }
}
