/// One counter's total and its recent history: a ring of per-second buckets for the last five
/// minutes and a ring of per-minute buckets for the last hour. The rings are allocated on the
/// first non-zero count, so idle counters cost a few words.
struct CounterSeries: Sendable {
    static let secondSlots = 300
    static let minuteSlots = 60

    private(set) var total: Int64 = 0
    private var seconds: [UInt32] = []
    private var minutes: [UInt64] = []
    private var lastSecond: Int64 = .min
    private var lastMinute: Int64 = .min

    mutating func add(_ amount: Int64, atMs ms: Int64) {
        guard amount > 0 else { return }
        total += amount
        let second = floorDiv(ms, 1000), minute = floorDiv(ms, 60_000)
        if seconds.isEmpty {
            seconds = Array(repeating: 0, count: Self.secondSlots)
            minutes = Array(repeating: 0, count: Self.minuteSlots)
        }
        CounterSeries.bump(&seconds, &lastSecond, at: second, by: UInt32(clamping: amount))
        CounterSeries.bump(&minutes, &lastMinute, at: minute, by: UInt64(amount))
    }

    /// The sum over the last `count` seconds up to and including the one holding `ms`.
    func sum(lastSeconds count: Int, atMs ms: Int64) -> Int64 {
        CounterSeries.sum(seconds, lastSecond, upTo: floorDiv(ms, 1000), count: min(count, Self.secondSlots))
    }

    /// The sum over the last hour (the current minute and the 59 before it).
    func sumLastHour(atMs ms: Int64) -> Int64 {
        CounterSeries.sum(minutes, lastMinute, upTo: floorDiv(ms, 60_000), count: Self.minuteSlots)
    }

    /// The per-second counts of the last five minutes, oldest first, ending with the current second.
    func history(atMs ms: Int64) -> [UInt32] {
        let now = floorDiv(ms, 1000)
        return (0..<Int64(Self.secondSlots)).reversed().map { back in
            UInt32(clamping: CounterSeries.bucket(seconds, lastSecond, at: now - back))
        }
    }

    private static func bump<T: FixedWidthInteger & UnsignedInteger>(_ ring: inout [T], _ last: inout Int64, at slot: Int64, by amount: T) {
        let size = Int64(ring.count)
        if slot > last {
            if last == .min || slot - last >= size {
                for i in ring.indices { ring[i] = 0 }
            } else {
                var s = last + 1
                while s <= slot { ring[Int(floorMod(s, size))] = 0; s += 1 }
            }
            last = slot
        } else if slot <= last - size {
            return
        }
        let i = Int(floorMod(slot, size))
        let (sum, overflow) = ring[i].addingReportingOverflow(amount)
        ring[i] = overflow ? T.max : sum
    }

    private static func bucket<T: FixedWidthInteger & UnsignedInteger>(_ ring: [T], _ last: Int64, at slot: Int64) -> UInt64 {
        let size = Int64(ring.count)
        guard size > 0, slot <= last, slot > last - size else { return 0 }
        return UInt64(ring[Int(floorMod(slot, size))])
    }

    private static func sum<T: FixedWidthInteger & UnsignedInteger>(_ ring: [T], _ last: Int64, upTo now: Int64, count: Int) -> Int64 {
        var total: UInt64 = 0
        for back in 0..<Int64(count) { total &+= bucket(ring, last, at: now - back) }
        return Int64(clamping: total)
    }
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

func floorMod(_ a: Int64, _ b: Int64) -> Int64 {
    let r = a % b
    return r < 0 ? r + b : r
}
