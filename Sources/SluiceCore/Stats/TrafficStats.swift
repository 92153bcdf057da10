/// The counters kept per queue, per domain and per virtual MTA.
public enum StatCounter: Int, CaseIterable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Recipients accepted into the queue.
    case injected
    /// Recipients delivered (2xx).
    case delivered
    /// Delivery attempts deferred: counted once per recipient per attempt.
    case deferredAttempts
    /// Recipients bounced (5xx, or deleted as bounces).
    case bounced
    /// Recipients expired after bounce-after.
    case expired
    /// Connections opened.
    case connections
    /// Bytes of message content sent in accepted transactions.
    case bytes
    /// Delivery connections the remote host refused with a reply before any transaction (a 421
    /// at the greeting or after EHLO: Yahoo's TSS04, a provider's rate limit). Each one is a
    /// deferral of the queue, counted beside ``deferredAttempts`` (which counts recipients).
    case refusedConnections

    /// The label used in snapshots and metrics: `injected`, `delivered`, `deferred_attempts`, ….
    public var description: String {
        switch self {
        case .injected: return "injected"
        case .delivered: return "delivered"
        case .deferredAttempts: return "deferred_attempts"
        case .bounced: return "bounced"
        case .expired: return "expired"
        case .connections: return "connections"
        case .bytes: return "bytes"
        case .refusedConnections: return "refused_connections"
        }
    }
}

/// One counter as seen at an instant: the total and the rates over standard windows.
public struct CounterStats: Hashable, Sendable {
    /// Since the engine started.
    public var total: Int64
    /// Per second, averaged over the last 10 seconds.
    public var per10s: Double
    /// Per second over the last minute.
    public var per1m: Double
    /// Per second over the last 5 minutes.
    public var per5m: Double
    /// Per second over the last hour.
    public var per1h: Double
    /// Counts per second over the last 5 minutes, oldest first (300 values), for sparklines.
    public var history: [UInt32]
}

/// All counters of one queue, domain or virtual MTA at an instant.
public struct TrafficStats: Hashable, Sendable {
    /// Every counter.
    public var counters: [StatCounter: CounterStats]

    /// The sum of two entities' stats at the same instant (a domain's queues, a vmta's queues).
    public static func + (a: TrafficStats, b: TrafficStats) -> TrafficStats {
        var counters = a.counters
        for (counter, y) in b.counters {
            guard let x = counters[counter] else { counters[counter] = y; continue }
            let n = max(x.history.count, y.history.count)
            // Spelled out with its types: as one expression it took the type checker 1.9 s.
            var history = [UInt32](repeating: 0, count: n)
            for i in 0..<n {
                let left: UInt64 = i < x.history.count ? UInt64(x.history[i]) : 0
                let right: UInt64 = i < y.history.count ? UInt64(y.history[i]) : 0
                history[i] = UInt32(clamping: left + right)
            }
            counters[counter] = CounterStats(total: x.total + y.total, per10s: x.per10s + y.per10s, per1m: x.per1m + y.per1m,
                                             per5m: x.per5m + y.per5m, per1h: x.per1h + y.per1h, history: history)
        }
        return TrafficStats(counters: counters)
    }

    /// One counter (zero when absent).
    public subscript(_ counter: StatCounter) -> CounterStats {
        counters[counter] ?? CounterStats(total: 0, per10s: 0, per1m: 0, per5m: 0, per1h: 0, history: [])
    }
}

/// The live counters of one entity.
struct TrafficCounters: Sendable {
    private var series = Array(repeating: CounterSeries(), count: StatCounter.allCases.count)

    mutating func add(_ counter: StatCounter, _ amount: Int64 = 1, atMs ms: Int64) {
        series[counter.rawValue].add(amount, atMs: ms)
    }

    func total(_ counter: StatCounter) -> Int64 { series[counter.rawValue].total }

    func snapshot(atMs ms: Int64) -> TrafficStats {
        var counters: [StatCounter: CounterStats] = [:]
        for counter in StatCounter.allCases {
            let s = series[counter.rawValue]
            counters[counter] = CounterStats(
                total: s.total,
                per10s: Double(s.sum(lastSeconds: 10, atMs: ms)) / 10,
                per1m: Double(s.sum(lastSeconds: 60, atMs: ms)) / 60,
                per5m: Double(s.sum(lastSeconds: 300, atMs: ms)) / 300,
                per1h: Double(s.sumLastHour(atMs: ms)) / 3600,
                history: s.history(atMs: ms))
        }
        return TrafficStats(counters: counters)
    }
}
