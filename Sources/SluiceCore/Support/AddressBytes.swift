#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level helpers for recipient addresses, used on the injection path where a message may
/// carry many thousands of recipients.
enum AddressBytes {
    /// The UTF-8 offset where the domain starts (just past the last `@`), or nil when the address
    /// has no `@` or nothing after it.
    static func domainStart(_ address: String) -> Int? {
        var copy = address
        return copy.withUTF8 { bytes -> Int? in
            var i = bytes.count - 1
            while i >= 0 {
                if bytes[i] == UInt8(ascii: "@") { return i + 1 < bytes.count ? i + 1 : nil }
                i -= 1
            }
            return nil
        }
    }

    /// True when the domain of `a` (from `aStart`) and of `b` (from `bStart`) are the same bytes.
    static func sameDomain(_ a: String, _ aStart: Int, _ b: String, _ bStart: Int) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let n = x.count - aStart
                guard n == y.count - bStart, let px = x.baseAddress, let py = y.baseAddress else { return n == 0 && y.count == bStart }
                return memcmp(px + aStart, py + bStart, n) == 0
            }
        }
    }

    /// The domain as a string.
    static func domain(_ address: String, from start: Int) -> String {
        String(decoding: address.utf8.dropFirst(start), as: UTF8.self)
    }
}
