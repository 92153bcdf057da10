/// Counts in fixed-width time slots (a minute, an hour), the newest `slots` of them: a ring
/// indexed by slot number, cleared as time moves past a slot. Counts saturate instead of
/// overflowing; counts older than the ring are dropped.
struct BucketRing: Sendable {
    /// The width of one slot in milliseconds.
    let slotMs: Int64
    private var counts: [UInt32]
    private var last: Int64 = .min

    /// A ring of `slots` slots of `slotMs` milliseconds, all zero.
    init(slots: Int, slotMs: Int64) {
        self.slotMs = slotMs
        counts = Array(repeating: 0, count: max(1, slots))
    }

    /// Adds `amount` to the slot holding `ms`.
    mutating func add(_ amount: UInt32 = 1, atMs ms: Int64) {
        let slot = floorDiv(ms, slotMs)
        let size = Int64(counts.count)
        if slot > last {
            if last == .min || slot - last >= size {
                for i in counts.indices { counts[i] = 0 }
            } else {
                var s = last + 1
                while s <= slot { counts[Int(floorMod(s, size))] = 0; s += 1 }
            }
            last = slot
        } else if slot <= last - size {
            return
        }
        let i = Int(floorMod(slot, size))
        let (sum, overflow) = counts[i].addingReportingOverflow(amount)
        counts[i] = overflow ? .max : sum
    }

    /// The count of one slot (zero outside the ring).
    func count(inSlot slot: Int64) -> UInt32 {
        let size = Int64(counts.count)
        guard slot <= last, slot > last - size else { return 0 }
        return counts[Int(floorMod(slot, size))]
    }

    /// The sum of the `slots` newest slots up to and including the one holding `ms`.
    func sum(lastSlots slots: Int, atMs ms: Int64) -> Int {
        let now = floorDiv(ms, slotMs)
        var total = 0
        for back in 0..<Int64(min(slots, counts.count)) { total += Int(count(inSlot: now - back)) }
        return total
    }

    /// Every slot's count, oldest first, ending with the slot holding `ms`.
    func series(atMs ms: Int64) -> [Int] {
        let now = floorDiv(ms, slotMs)
        return (0..<Int64(counts.count)).reversed().map { Int(count(inSlot: now - $0)) }
    }
}
