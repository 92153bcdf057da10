import SluiceConfig

/// The demo's and the sandbox's safety catch: every delivery must go to loopback (127.0.0.0/8 or
/// ::1). The delivery path asks the guard about each destination address before connecting and
/// logs the reason of a refusal.
public struct LoopbackGuard: Hashable, Sendable {
    /// The mode named in refusal reasons, e.g. "demo" or "sandbox".
    public var mode: String

    /// Creates a guard for `mode`.
    public init(mode: String = "demo") { self.mode = mode }

    /// Allows loopback addresses (including IPv4-mapped `::ffff:127.x.y.z`), refuses all others.
    public func check(_ address: IPAddress) -> LoopbackDecision {
        if address.isLoopback { return .allow(address) }
        if case .v6(0, let low) = address, low >> 32 == 0xFFFF, (low >> 24) & 0xFF == 127 { return .allow(address) }
        return .refuse(address: address.description, reason: refusal(address.description, "is not a loopback address"))
    }

    /// Checks a destination as written in routing or an MX answer: an IP literal (`127.0.0.5`,
    /// `[127.0.0.5]`, `[IPv6:::1]`, `::1`) or `localhost`. Any other host name is refused: resolve
    /// it and check each address instead.
    public func check(host: String) -> LoopbackDecision {
        var text = host.trimming([" ", "\t"])
        if text.hasSuffix(".") { text.removeLast() }
        if text.hasPrefix("["), text.hasSuffix("]") {
            text = String(text.dropFirst().dropLast())
            if text.lowercased().hasPrefix("ipv6:") { text = String(text.dropFirst(5)) }
        }
        if text.lowercased() == "localhost", let loopback = IPAddress("127.0.0.1") { return .allow(loopback) }
        guard let address = IPAddress(text) else {
            return .refuse(address: host, reason: refusal(host, "is a host name, not a loopback address literal"))
        }
        if case .refuse = check(address) {
            return .refuse(address: host, reason: refusal(host, "is not a loopback address"))
        }
        return .allow(address)
    }

    private func refusal(_ destination: String, _ why: String) -> String {
        "refused delivery to \(destination): \(why); \(mode) mode delivers only to 127.0.0.0/8 and ::1"
    }
}

/// The guard's answer.
public enum LoopbackDecision: Hashable, Sendable {
    /// Deliver to this address.
    case allow(IPAddress)
    /// Do not connect; log `reason`.
    case refuse(address: String, reason: String)

    /// True for ``allow(_:)``.
    public var isAllowed: Bool {
        if case .allow = self { return true }
        return false
    }
}
