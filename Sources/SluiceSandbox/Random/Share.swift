import SluiceBase
import SluiceConfig

/// A fraction of a population such as `3%` or `0.5%`, held in parts per million so that it
/// compares exactly.
public struct Share: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Parts per million, 0...1_000_000.
    public let partsPerMillion: UInt64

    /// Creates a share from parts per million (clamped to 100%).
    public init(partsPerMillion: UInt64) { self.partsPerMillion = min(partsPerMillion, 1_000_000) }

    /// Nobody.
    public static let none = Share(partsPerMillion: 0)
    /// Everybody.
    public static let all = Share(partsPerMillion: 1_000_000)

    /// Parses `3%`, `0.5%` or `100%` (at most four decimals).
    public init(parsing text: String) throws(ValueError) {
        let error = ValueError(expected: "a percentage such as 3% or 0.5%", found: text)
        guard text.hasSuffix("%") else { throw error }
        let number = text.dropLast()
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 3,
              parts.allSatisfy({ $0.allSatisfy { ("0"..."9").contains($0) } }),
              let whole = UInt64(parts[0]) else { throw error }
        var fraction: UInt64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 4, let f = UInt64(digits) else { throw error }
            fraction = f * [1000, 100, 10, 1][digits.count - 1]
        }
        let ppm = whole * 10_000 + fraction
        guard ppm <= 1_000_000 else { throw error }
        self.init(partsPerMillion: ppm)
    }

    /// The share as a fraction in 0...1.
    public var fraction: Double { Double(partsPerMillion) / 1_000_000 }

    /// True when 64 uniformly random bits fall inside the share.
    public func admits(_ bits: UInt64) -> Bool {
        (bits.multipliedFullWidth(by: 1_000_000)).high < partsPerMillion
    }

    public static func < (a: Share, b: Share) -> Bool { a.partsPerMillion < b.partsPerMillion }

    /// `3%`, `0.5%`.
    public var description: String {
        let whole = partsPerMillion / 10_000, rest = partsPerMillion % 10_000
        if rest == 0 { return "\(whole)%" }
        var frac = String(rest)
        frac = String(repeating: "0", count: 4 - frac.count) + frac
        while frac.hasSuffix("0") { frac.removeLast() }
        return "\(whole).\(frac)%"
    }
}

extension SplitMix64 {
    /// True with probability `share`.
    mutating func chance(_ share: Share) -> Bool { share.admits(next()) }
}
