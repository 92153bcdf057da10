import SluiceBase

/// A hash that is the same in every process and on every platform (unlike `Hasher`, which is
/// randomly seeded per process): FNV-1a over the UTF-8 bytes, then the SplitMix64 finaliser with a
/// seed and a salt mixed in.
///
/// The sandbox uses it for decisions that must stick to an address across connections and runs,
/// such as "this mailbox does not exist".
public enum StableHash {
    /// 64 well-mixed bits for `parts` under `seed` and `salt`. Parts are separated so that
    /// `["ab", "c"]` and `["a", "bc"]` differ.
    public static func of(_ parts: [String], seed: UInt64, salt: UInt64) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for part in parts {
            for byte in part.utf8 {
                h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
            h = (h ^ 0xFF) &* 0x0000_0100_0000_01B3
        }
        return SplitMix64.mix(h ^ SplitMix64.mix(seed ^ salt))
    }
}
