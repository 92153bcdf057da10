/// An address and port to listen on: `127.0.0.1:2525`, `[::1]:25`, `0/0:25` (every IPv4
/// interface) or, where a bare port is allowed, `8080` (every interface).
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    /// The local address; `0.0.0.0` or `::` for every interface.
    public var address: IPAddress
    /// The TCP port.
    public var port: Int

    /// Creates an address.
    public init(address: IPAddress, port: Int) {
        self.address = address
        self.port = port
    }

    /// `127.0.0.1:port` (0 picks a free port): the demo's and the tests' listeners.
    public static func loopback(port: Int) -> ListenAddress { ListenAddress(address: .v4(0x7F00_0001), port: port) }

    /// Parses `IP:PORT`, `[IPV6]:PORT`, `0/0:PORT`, and a bare `PORT` when `allowBarePort`.
    public init(parsing text: String, allowBarePort: Bool = false) throws(ValueError) {
        let error = ValueError(
            expected: allowBarePort ? "a port or address:port such as 8080 or 127.0.0.1:8080"
                                    : "an address:port such as 127.0.0.1:2525, [::1]:25 or 0/0:25",
            found: text)
        if allowBarePort, let port = Int(text) {
            guard (1...65535).contains(port) else { throw error }
            self.init(address: .v4(0), port: port)
            return
        }
        var host: Substring
        var portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw error }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw error }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw error }
            host = text[..<colon]
            // An IPv6 address needs brackets: `::1:25` could be an address without a port.
            guard !host.contains(":") else { throw error }
            portText = text[text.index(after: colon)...]
        }
        if host == "0/0" { host = "0.0.0.0" }
        guard let address = IPAddress(String(host)), let port = Int(portText), (1...65535).contains(port) else {
            throw error
        }
        self.init(address: address, port: port)
    }

    /// `127.0.0.1:2525` or `[::1]:25`.
    public var description: String {
        if case .v6 = address { return "[\(address)]:\(port)" }
        return "\(address):\(port)"
    }
}
