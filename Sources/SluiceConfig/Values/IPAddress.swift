import Foundation

/// An IPv4 or IPv6 address, parsed without touching the network.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// Four bytes.
    case v4(UInt32)
    /// Sixteen bytes, big-endian, as two halves.
    case v6(high: UInt64, low: UInt64)

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (with `::` and an embedded IPv4 tail).
    public init?(_ text: String) {
        if let v4 = IPAddress.parseV4(Substring(text)) { self = .v4(v4); return }
        guard let groups = IPAddress.parseV6(text) else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for (i, g) in groups.enumerated() {
            if i < 4 { high = high << 16 | UInt64(g) } else { low = low << 16 | UInt64(g) }
        }
        self = .v6(high: high, low: low)
    }

    /// The number of bits: 32 or 128.
    public var bitWidth: Int {
        if case .v4 = self { return 32 }
        return 128
    }

    /// True for 127.0.0.0/8 and ::1.
    public var isLoopback: Bool {
        switch self {
        case .v4(let a): return a >> 24 == 127
        case .v6(let high, let low): return high == 0 && low == 1
        }
    }

    /// Dotted quad, or the full (uncompressed, lowercase) IPv6 form.
    public var description: String {
        switch self {
        case .v4(let a):
            return "\(a >> 24).\(a >> 16 & 255).\(a >> 8 & 255).\(a & 255)"
        case .v6(let high, let low):
            let groups = (0..<4).map { String(high >> (48 - 16 * UInt64($0)) & 0xffff, radix: 16) }
                + (0..<4).map { String(low >> (48 - 16 * UInt64($0)) & 0xffff, radix: 16) }
            return groups.joined(separator: ":")
        }
    }

    private static func parseV4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCIIDigit),
                  let byte = UInt32(part), byte <= 255 else { return nil }
            value = value << 8 | byte
        }
        return value
    }

    private static func parseV6(_ text: String) -> [UInt16]? {
        guard text.contains(":"), text.count <= 45 else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ s: String) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            for (i, part) in parts.enumerated() {
                if i == parts.count - 1, part.contains(".") {
                    guard let v4 = parseV4(part) else { return nil }
                    out.append(UInt16(v4 >> 16)); out.append(UInt16(v4 & 0xffff))
                } else {
                    guard (1...4).contains(part.count), let g = UInt16(part, radix: 16) else { return nil }
                    out.append(g)
                }
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }
}

/// An address block such as `127.0.0.0/8`, `0/0` (PowerMTA's "everything") or `2001:db8::/32`.
/// A bare address is a block of one.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    /// The network address.
    public var address: IPAddress
    /// The prefix length in bits.
    public var prefixLength: Int

    /// Parses `A.B.C.D/N`, `0/0`, `IPV6/N` or a bare address.
    public init(parsing text: String) throws(ValueError) {
        let error = ValueError(expected: "an IP address or CIDR block such as 127.0.0.0/8 or ::1/128", found: text)
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw error }
        let addressText = parts[0] == "0" && parts.count == 2 ? "0.0.0.0" : String(parts[0])
        guard let address = IPAddress(addressText) else { throw error }
        var length = address.bitWidth
        if parts.count == 2 {
            guard let n = Int(parts[1]), (0...address.bitWidth).contains(n) else { throw error }
            length = n
        }
        self.address = address
        self.prefixLength = length
    }

    /// True when `ip` lies in this block.
    public func contains(_ ip: IPAddress) -> Bool {
        switch (address, ip) {
        case (.v4(let net), .v4(let a)):
            guard prefixLength > 0 else { return true }
            let mask = UInt32.max << UInt32(32 - prefixLength)
            return net & mask == a & mask
        case (.v6(let nh, let nl), .v6(let ah, let al)):
            if prefixLength == 0 { return true }
            if prefixLength <= 64 {
                let mask = UInt64.max << UInt64(64 - prefixLength)
                return nh & mask == ah & mask
            }
            let mask = prefixLength == 128 ? UInt64.max : UInt64.max << UInt64(128 - prefixLength)
            return nh == ah && nl & mask == al & mask
        default:
            return false
        }
    }

    /// `127.0.0.0/8`.
    public var description: String { "\(address)/\(prefixLength)" }
}
