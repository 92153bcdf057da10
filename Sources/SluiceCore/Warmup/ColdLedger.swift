/// Messages a pool gave its cold members today, per member and destination domain: what
/// `max-cold-virtual-mta-msg` caps. Pure; starts afresh each UTC day.
public struct ColdLedger: Hashable, Sendable, Codable {
    /// The UTC day (days since 1970-01-01) the counts are for.
    public var day: Int64 = .min
    /// Cold vmta → destination domain (lower case) → messages chosen today.
    public var counts: [String: [String: Int]] = [:]

    /// An empty ledger.
    public init() {}

    /// Starts afresh when `day` is a new day.
    public mutating func roll(to day: Int64) {
        guard day != self.day else { return }
        self.day = day
        counts = [:]
    }

    /// Messages chosen for `vmta` to `domain` today.
    public func count(vmta: String, domain: String) -> Int { counts[vmta]?[domain] ?? 0 }

    /// Counts one message for `vmta` to each of `domains`.
    public mutating func note(vmta: String, domains: some Sequence<String>) {
        for domain in domains { counts[vmta, default: [:]][domain, default: 0] += 1 }
    }
}
