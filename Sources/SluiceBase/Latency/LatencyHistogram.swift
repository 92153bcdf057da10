/// A bounded histogram of delays (injection to final outcome): a fixed set of log-spaced buckets
/// from 1 second to about 6 days, 1-2-5 per decade, and one for longer. Twenty words whatever the
/// traffic; histograms of several queues add up to their domain's. Snapshots carry it as JSON
/// `{"counts":[…],"sum_s":…}`, one count per bucket of ``boundsSeconds`` and one for `+Inf`.
public struct LatencyHistogram: Codable, Hashable, Sendable {
    /// The buckets' upper bounds in seconds (inclusive), ascending; the last bucket is `+Inf`.
    public static let boundsSeconds: [Double] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000,
                                                 10_000, 20_000, 50_000, 100_000, 200_000, 500_000]

    /// Outcomes per bucket: `boundsSeconds.count + 1` counts, the last for longer delays.
    public private(set) var counts: [Int]
    /// The sum of the delays recorded, in seconds.
    public private(set) var sumSeconds: Double

    /// An empty histogram.
    public init() {
        counts = Array(repeating: 0, count: Self.boundsSeconds.count + 1)
        sumSeconds = 0
    }

    /// Outcomes recorded.
    public var total: Int { counts.reduce(0, +) }

    /// Records one delay (negative delays, from a clock step, count as zero).
    public mutating func record(milliseconds: Int64) {
        let seconds = Double(max(0, milliseconds)) / 1000
        let bucket = Self.boundsSeconds.firstIndex { seconds <= $0 } ?? Self.boundsSeconds.count
        counts[bucket] += 1
        sumSeconds += seconds
    }

    /// The delay below which a share `q` (0…1) of the outcomes fall, interpolated linearly inside
    /// its bucket as Prometheus's `histogram_quantile` does; the last finite bound when it falls
    /// in the `+Inf` bucket; nil without outcomes.
    public func quantile(_ q: Double) -> Double? {
        let total = self.total
        guard total > 0 else { return nil }
        let rank = min(max(q, 0), 1) * Double(total)
        var below = 0
        for (i, count) in counts.enumerated() where count > 0 {
            guard Double(below + count) >= rank else { below += count; continue }
            guard i < Self.boundsSeconds.count else { return Self.boundsSeconds.last }
            let lower = i == 0 ? 0 : Self.boundsSeconds[i - 1], upper = Self.boundsSeconds[i]
            return lower + (upper - lower) * max(0, rank - Double(below)) / Double(count)
        }
        return Self.boundsSeconds.last
    }

    /// The sum of two histograms (a domain's queues).
    public static func + (a: LatencyHistogram, b: LatencyHistogram) -> LatencyHistogram {
        var sum = a
        for i in sum.counts.indices where i < b.counts.count { sum.counts[i] += b.counts[i] }
        sum.sumSeconds += b.sumSeconds
        return sum
    }

    enum CodingKeys: String, CodingKey {
        case counts
        case sumSeconds = "sum_s"
    }

    /// Decodes a histogram; a count list of another length (another build's buckets) is refused.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let counts = try c.decode([Int].self, forKey: .counts)
        guard counts.count == Self.boundsSeconds.count + 1, counts.allSatisfy({ $0 >= 0 }) else {
            throw DecodingError.dataCorruptedError(forKey: .counts, in: c, debugDescription:
                "expected \(Self.boundsSeconds.count + 1) non-negative bucket counts, got \(counts.count)")
        }
        self.counts = counts
        sumSeconds = try c.decode(Double.self, forKey: .sumSeconds)
    }
}
