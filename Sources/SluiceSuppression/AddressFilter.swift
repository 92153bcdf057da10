/// A blocked Bloom filter over addresses' 64-bit hashes: "certainly not in the set" or "perhaps in
/// it". Each address sets 8 bits in one 512-bit block (one cache line), so a lookup reads one
/// line of memory whatever the size.
///
/// Sized at 16 bits per expected entry: about 0.1 % false positives at its capacity, rising
/// gracefully beyond it (about 2 % at twice the capacity). It never forgets: an address taken out
/// of the list stays "perhaps" until the filter is rebuilt. Not thread-safe (a value type; its
/// owner locks).
struct AddressFilter: Sendable {
    /// 8 words of 64 bits per block.
    private var words: [UInt64]
    private let blockCount: UInt64
    /// The number of entries the filter was sized for.
    let capacity: Int
    /// Hashes inserted (repeats included).
    private(set) var insertions = 0

    /// An empty filter sized for `capacity` entries (at least 1,024).
    init(capacity: Int) {
        self.capacity = max(capacity, 1024)
        let blocks = (self.capacity * 16 + 511) / 512
        blockCount = UInt64(blocks)
        words = [UInt64](repeating: 0, count: blocks * 8)
    }

    /// Bytes of memory the bits take.
    var byteCount: Int { words.count * 8 }

    /// Adds the address whose ``hash(_:)`` is `hash`.
    mutating func insert(_ hash: UInt64) {
        let (base, bits) = position(hash)
        words.withUnsafeMutableBufferPointer { words in
            for index in 0..<8 { words[base + index] |= Self.mask(bits, index) }
        }
        insertions += 1
    }

    /// False when the address whose hash is `hash` was certainly never inserted.
    func mayContain(_ hash: UInt64) -> Bool {
        let (base, bits) = position(hash)
        return words.withUnsafeBufferPointer { words in
            for index in 0..<8 {
                let mask = Self.mask(bits, index)
                if words[base + index] & mask != mask { return false }
            }
            return true
        }
    }

    /// The block's first word, and 48 bits choosing one bit in each of its 8 words: two
    /// independent parts of the hash (the block from the high half, the bits from a remix).
    private func position(_ hash: UInt64) -> (base: Int, bits: UInt64) {
        (Int(((hash >> 32) &* blockCount) >> 32) * 8, Self.mix(hash ^ 0x9E37_79B9_7F4A_7C15))
    }

    /// The bit of word `index` of a block: 6 of `bits`.
    private static func mask(_ bits: UInt64, _ index: Int) -> UInt64 {
        1 << ((bits >> (UInt64(index) * 6)) & 63)
    }

    /// The filter's hash of an address already lowercased: FNV-1a over its UTF-8 bytes, then
    /// MurmurHash3's 64-bit finaliser so that every bit depends on every byte.
    static func hash(_ address: String) -> UInt64 {
        var address = address
        return address.withUTF8 { bytes in
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            return mix(hash)
        }
    }

    /// MurmurHash3's fmix64.
    private static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }
}
