import SluiceConfig

/// The generic cell rate algorithm (a smooth token bucket) in microseconds: events are spaced by
/// the emission interval, with up to `burst` events allowed back to back.
struct GCRA: Sendable {
    /// The theoretical arrival time of the next event, in microseconds.
    private(set) var tat: Int64 = .min

    /// The interval of a zero rate (`0/h`): nothing is ever allowed.
    static let never: Int64 = 31_536_000_000_000_000

    /// True when an event may happen at `now` (ms) under `interval` (µs) and `burst`.
    func allows(nowMs: Int64, interval: Int64, burst: Int) -> Bool {
        interval < GCRA.never && satMul(nowMs, 1000) >= earliest(interval: interval, burst: burst)
    }

    /// The earliest instant (ms, rounded up) at which the next event is allowed.
    func nextAllowedMs(interval: Int64, burst: Int) -> Int64 {
        guard interval < GCRA.never else { return .max }
        let us = earliest(interval: interval, burst: burst)
        return us <= 0 ? 0 : satAdd(us, 999) / 1000
    }

    /// How many events may happen back to back at `now` (at most `burst`).
    func available(nowMs: Int64, interval: Int64, burst: Int) -> Int {
        guard interval < GCRA.never else { return 0 }
        let start = earliest(interval: interval, burst: burst)
        let now = satMul(nowMs, 1000)
        guard now >= start else { return 0 }
        guard start != .min else { return Swift.max(burst, 1) }
        return Int(Swift.min(Int64(Swift.max(burst, 1)), satAdd(now, -start) / interval + 1))
    }

    /// Records an event at `now`.
    mutating func consume(nowMs: Int64, interval: Int64) {
        tat = satAdd(Swift.max(tat, satMul(nowMs, 1000)), interval)
    }

    private func earliest(interval: Int64, burst: Int) -> Int64 {
        guard tat != .min else { return .min }
        return satAdd(tat, -satMul(Int64(Swift.max(burst, 1) - 1), interval))
    }
}

extension Rate {
    /// The emission interval in microseconds, or nil when unlimited. A rate of zero (`0/h`) allows
    /// nothing: its interval is ``GCRA/never``.
    var intervalMicroseconds: Int64? {
        guard case .limited(let count, let per) = self else { return nil }
        guard count > 0, per.milliseconds > 0 else { return GCRA.never }
        return Swift.min(GCRA.never - 1, Swift.max(1, satMul(per.milliseconds, 1000) / Int64(count)))
    }
}
