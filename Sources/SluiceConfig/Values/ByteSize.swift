/// A size such as `50M`, `1G`, `100K` or a bare number of bytes (binary multiples).
public struct ByteSize: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The size in bytes.
    public var bytes: Int64

    /// Creates a size.
    public init(bytes: Int64) { self.bytes = bytes }

    public static func < (a: ByteSize, b: ByteSize) -> Bool { a.bytes < b.bytes }

    /// No limit (`unlimited` where PowerMTA takes it for a size).
    public static let unlimited = ByteSize(bytes: .max)

    /// Parses `52428800`, `100K`, `50M`, `1G`, `2T` (also with a trailing `B`, any case).
    public init(parsing text: String) throws(ValueError) {
        let error = ValueError(expected: "a size such as 50M, 1G or 52428800", found: text)
        var s = text.uppercased()
        if s.hasSuffix("B"), s.count > 1 { s.removeLast() }
        var multiplier: Int64 = 1
        if let last = s.last, let m = ["K": Int64(1) << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40][String(last)] {
            multiplier = m
            s.removeLast()
        }
        guard !s.isEmpty, s.allSatisfy(\.isASCIIDigit), let n = Int64(s) else { throw error }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { throw error }
        self.init(bytes: bytes)
    }

    /// The largest exact binary multiple: `50M`, `1G`, `1500`; `unlimited` for ``unlimited``.
    public var description: String {
        if self == .unlimited { return "unlimited" }
        let units: [(String, Int64)] = [("T", 1 << 40), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)]
        for (unit, size) in units
        where bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return "\(bytes)"
    }
}
