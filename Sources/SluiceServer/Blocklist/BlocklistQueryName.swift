import SluiceConfig

/// The DNS name a blocklist zone answers for an address (RFC 5782 §2.1, §2.4): IPv4's octets in
/// reverse order (`127.0.0.10` in `zen.spamhaus.org` → `10.0.0.127.zen.spamhaus.org`), IPv6's
/// 32 nibbles in reverse order. Pure.
enum BlocklistQueryName {
    /// The name to look up for `address` in `zone`.
    static func name(for address: IPAddress, zone: String) -> String {
        switch address {
        case .v4(let value):
            let octets = [value & 0xFF, value >> 8 & 0xFF, value >> 16 & 0xFF, value >> 24]
            return octets.map(String.init).joined(separator: ".") + "." + zone
        case .v6(let high, let low):
            let nibbles = (0..<16).map { String(low >> ($0 * 4) & 0xF, radix: 16) }
                + (0..<16).map { String(high >> ($0 * 4) & 0xF, radix: 16) }
            return nibbles.joined(separator: ".") + "." + zone
        }
    }
}
