import SluiceConfig
import SluiceSandbox
import SluiceSandboxServer

/// What a finished demo run did: the per-domain tally, the generator's and the receivers'
/// counters, and the deliveries the loopback guard refused.
public struct DemoSummary: Hashable, Sendable {
    /// How long the traffic ran.
    public var duration: TimeSpan
    /// The offered rate (messages per second).
    public var rate: Double
    /// Per-domain figures.
    public var tally: DemoTally
    /// The generator's counters.
    public var traffic: GeneratorStats
    /// Each sandbox receiver's counters, by profile name.
    public var receivers: [String: SandboxStats]
    /// Delivery attempts refused because the destination was not loopback.
    public var refusedDestinations: Int

    /// Creates a summary.
    public init(duration: TimeSpan, rate: Double, tally: DemoTally, traffic: GeneratorStats, receivers: [String: SandboxStats],
                refusedDestinations: Int) {
        self.duration = duration
        self.rate = rate
        self.tally = tally
        self.traffic = traffic
        self.receivers = receivers
        self.refusedDestinations = refusedDestinations
    }

    /// The summary as printed at the end of a headless run: one row per domain, then the most
    /// frequent deferral replies and bounce categories of each, then the receivers.
    public var text: String {
        let domains = tally.domains.keys.sorted { (tally.domains[$0]?.injected ?? 0, $1) > (tally.domains[$1]?.injected ?? 0, $0) }
        var rows = [["domain", "injected", "delivered", "deferred", "bounced", "backoff episodes"]]
        var totals = DomainTally()
        for name in domains {
            let d = tally.domains[name] ?? DomainTally()
            rows.append([name, "\(d.injected)", "\(d.delivered)", "\(d.deferred)", "\(d.bounced)", "\(d.backoffEpisodes)"])
            totals.injected += d.injected
            totals.delivered += d.delivered
            totals.deferred += d.deferred
            totals.backoffEpisodes += d.backoffEpisodes
            for (category, count) in d.bouncedByCategory { totals.bouncedByCategory[category, default: 0] += count }
        }
        rows.append(["total", "\(totals.injected)", "\(totals.delivered)", "\(totals.deferred)", "\(totals.bounced)",
                     "\(totals.backoffEpisodes)"])
        var lines = ["sluice demo: \(Int(duration.seconds.rounded())) s of traffic at \(Self.number(rate)) msg/s offered; "
                     + "injected \(traffic.accepted), refused by the MTA \(traffic.refused), not sent \(traffic.failed), "
                     + "skipped (MTA too slow) \(traffic.skipped)", ""]
        lines += Self.table(rows)
        lines.append("")
        for name in domains {
            guard let d = tally.domains[name], d.deferred + d.bounced + d.errorsSeen.count > 0 else { continue }
            var parts: [String] = []
            if d.deferred > 0 { parts.append("deferred " + Self.breakdown(d.deferralsByReply)) }
            if d.bounced > 0 { parts.append("bounced " + Self.breakdown(d.bouncedByCategory)) }
            if !d.errorsSeen.isEmpty { parts.append("queue errors seen " + d.errorsSeen.sorted().joined(separator: ", ")) }
            lines.append("\(name): " + parts.joined(separator: "; "))
        }
        lines.append("")
        for profile in receivers.keys.sorted() {
            if let stats = receivers[profile] { lines.append("sandbox \(profile): \(stats)") }
        }
        lines.append("deliveries refused by the loopback guard: \(refusedDestinations)")
        return lines.joined(separator: "\n")
    }

    /// `421 4.7.0 ×120, 452 4.2.2 ×3`, most frequent first (at most five).
    static func breakdown(_ counts: [String: Int]) -> String {
        counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5).map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
    }

    /// Left-aligned first column, right-aligned numbers.
    static func table(_ rows: [[String]]) -> [String] {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
