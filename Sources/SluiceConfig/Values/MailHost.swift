/// A delivery destination from `smtp-hosts` or `route`: a host name or a bracketed IP address
/// (`[127.0.0.1]`, `[::1]`), with an optional port. A bracketed address is used as is, without
/// an MX lookup (RFC 5321 address literal).
public struct MailHost: Hashable, Sendable, CustomStringConvertible {
    /// The host name or the IP address text (without brackets).
    public var host: String
    /// True when `host` is an address literal.
    public var isAddressLiteral: Bool
    /// True for PowerMTA's `lookup-mx:DOMAIN`: `host` is a domain whose MX hosts are used (in
    /// preference order, as for the recipient's own domain).
    public var isMXLookup = false
    /// The TCP port, 25 unless given.
    public var port: Int

    /// Creates a host.
    public init(host: String, isAddressLiteral: Bool, port: Int = 25) {
        self.host = host
        self.isAddressLiteral = isAddressLiteral
        self.port = port
    }

    /// Parses `mx.example.com`, `mx.example.com:2525`, `[127.0.0.1]:2600`, `[::1]:2600` or
    /// `lookup-mx:example.com[:PORT]`.
    public init(parsing text: String) throws(ValueError) {
        let error = ValueError(expected: "a host such as mx.example.com:25, [127.0.0.1]:2600 or lookup-mx:example.com",
                               found: text)
        let mxPrefix = "lookup-mx:"
        if text.lowercased().hasPrefix(mxPrefix) {
            let domain = String(text.dropFirst(mxPrefix.count))
            guard !domain.hasPrefix("[") else { throw error }
            do { self = try MailHost(parsing: domain) } catch { throw ValueError(expected: error.expected, found: text) }
            isMXLookup = true
            return
        }
        var rest = Substring(text)
        var host: String
        var literal = false
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw error }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            guard IPAddress(host) != nil else { throw error }
            literal = true
            rest = rest[rest.index(after: close)...]
        } else {
            let colon = rest.firstIndex(of: ":") ?? rest.endIndex
            host = String(rest[..<colon])
            rest = rest[colon...]
            guard !host.isEmpty,
                  host.allSatisfy({ $0.isLetter || $0.isASCIIDigit || $0 == "." || $0 == "-" || $0 == "_" })
            else { throw error }
        }
        var port = 25
        if !rest.isEmpty {
            guard rest.first == ":", let p = Int(rest.dropFirst()), (1...65535).contains(p) else { throw error }
            port = p
        }
        self.init(host: host, isAddressLiteral: literal, port: port)
    }

    /// Parses a comma- or space-separated list of hosts.
    public static func parseList(_ text: String) throws(ValueError) -> [MailHost] {
        let items = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
        guard !items.isEmpty else {
            throw ValueError(expected: "a host such as mx.example.com:25 or [127.0.0.1]:2600", found: text)
        }
        var hosts: [MailHost] = []
        for item in items { hosts.append(try MailHost(parsing: String(item))) }
        return hosts
    }

    /// `[127.0.0.1]:2600`, `mx.example.com` (the port only when not 25).
    public var description: String {
        let h = isAddressLiteral ? "[\(host)]" : isMXLookup ? "lookup-mx:\(host)" : host
        return port == 25 ? h : "\(h):\(port)"
    }
}
