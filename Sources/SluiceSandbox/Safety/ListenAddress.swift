import SluiceConfig

/// Where a sandbox receiver listens: `127.0.0.1:2600`, `[::1]:2600`.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address to bind.
    public var host: IPAddress
    /// The TCP port.
    public var port: Int

    /// Creates an address.
    public init(host: IPAddress, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `IPv4:PORT` or `[IPv6]:PORT` (port 1–65535).
    public init(parsing text: String) throws(ValueError) {
        let error = ValueError(expected: "an address and port such as 127.0.0.1:2600 or [::1]:2600", found: text)
        guard let colon = text.lastIndex(of: ":") else { throw error }
        var hostText = String(text[..<colon])
        if hostText.hasPrefix("["), hostText.hasSuffix("]") {
            hostText = String(hostText.dropFirst().dropLast())
        } else if hostText.contains(":") {
            throw error
        }
        let portText = text[text.index(after: colon)...]
        guard let host = IPAddress(hostText), !portText.isEmpty, portText.count <= 5,
              portText.allSatisfy({ ("0"..."9").contains($0) }), let port = Int(portText), (1...65_535).contains(port) else { throw error }
        self.init(host: host, port: port)
    }

    /// `127.0.0.1:2600` or `[::1]:2600` (the IPv6 address in full form).
    public var description: String {
        if case .v6 = host { return "[\(host)]:\(port)" }
        return "\(host):\(port)"
    }
}
