/// Comparison of protocol words (SMTP keywords, header field names, `postmaster`) that are ASCII
/// and case-insensitive, on their UTF-8 bytes: A–Z matches a–z, every other byte only itself.
/// No lowercased copies, no Unicode case folding.
public enum ASCIICase {
    /// True when `a` and `b` are the same bytes but for the case of ASCII letters.
    public static func equal(_ a: some Sequence<UInt8>, _ b: some Sequence<UInt8>) -> Bool {
        var left = a.makeIterator()
        var right = b.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case (let x?, let y?): guard sameLetter(x, y) else { return false }
            default: return false
            }
        }
    }

    /// The rest of `bytes` after `prefix` (matched as ``equal(_:_:)`` matches), or nil.
    public static func dropPrefix(_ prefix: some Sequence<UInt8>, from bytes: Substring.UTF8View) -> Substring.UTF8View? {
        var rest = bytes
        for expected in prefix {
            guard let byte = rest.first, sameLetter(byte, expected) else { return nil }
            rest = rest.dropFirst()
        }
        return rest
    }

    private static func sameLetter(_ x: UInt8, _ y: UInt8) -> Bool {
        let folded = x | 0x20
        return x == y || (folded == y | 0x20 && folded >= UInt8(ascii: "a") && folded <= UInt8(ascii: "z"))
    }
}
