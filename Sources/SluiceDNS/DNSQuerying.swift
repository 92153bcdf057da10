/// A record type Sluice asks for.
public enum DNSRecordType: Int32, Hashable, Sendable {
    /// IPv4 address.
    case a = 1
    /// Mail exchanger.
    case mx = 15
    /// Text strings (DKIM key records, SPF, DMARC).
    case txt = 16
    /// IPv6 address.
    case aaaa = 28
}

/// The outcome of one DNS query.
public enum DNSQueryResult: Hashable, Sendable {
    /// A response arrived (whatever its response code).
    case response(DNSMessage)
    /// No usable response: timeout, no server, unparseable answer.
    case failed(String)
}

/// Sends DNS queries. ``SystemResolver`` is the real one; tests substitute their own.
public protocol DNSQuerying: Sendable {
    /// Looks up `name` (a host name without trailing dot) for records of `type`.
    func query(_ name: String, type: DNSRecordType) async -> DNSQueryResult
}
