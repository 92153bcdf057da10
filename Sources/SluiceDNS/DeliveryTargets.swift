import SluiceConfig

/// One address to try for a destination, in order.
public struct DeliveryTarget: Hashable, Sendable, CustomStringConvertible {
    /// The host name the address belongs to (the MX exchange or `smtp-hosts` entry), or the
    /// address itself for an address literal; used for logs, dsnMta and TLS server names.
    public var host: String
    /// The IP address to connect to.
    public var address: String
    /// The TCP port.
    public var port: Int

    /// Creates a target.
    public init(host: String, address: String, port: Int) {
        self.host = host
        self.address = address
        self.port = port
    }

    /// `host[address]:port`.
    public var description: String { "\(host)[\(address)]:\(port)" }
}

/// Where to connect for a destination domain, or why not.
public enum DeliveryTargets: Hashable, Sendable {
    /// The addresses to try, best first.
    case targets([DeliveryTarget])
    /// Mail for the domain cannot be delivered: bounce at once with this status.
    case permanentFailure(code: Int, enhanced: String, text: String)
    /// The lookup failed for now: defer.
    case temporaryFailure(String)
}

extension MXResolver {
    /// The addresses to try for `domain`: the `smtp-hosts`/`route` overrides when given (address
    /// literals such as `[127.0.0.1]:2600` are used as they are, names resolved to A/AAAA), else
    /// the MX hosts in preference order (equal preferences shuffled) with their addresses, or
    /// the domain's own A/AAAA when it has no MX. A null MX (RFC 7505) and a nonexistent domain
    /// are permanent failures; a failed lookup with nothing else to try is temporary.
    ///
    /// With `bounceWithoutMX` (`bounce-upon-no-mx`), a domain without MX records is a permanent
    /// failure instead of being tried at its own address. MX hosts (and the implicit MX) are
    /// connected on `mxPort`, 25 unless a test points it at a loopback sink.
    public func targets(for domain: String, overrides: [MailHost] = [], bounceWithoutMX: Bool = false,
                        mxPort: Int = 25) async -> DeliveryTargets {
        let hosts: [(name: String, port: Int, literal: Bool)]
        if overrides.isEmpty {
            switch await route(for: domain) {
            case .hosts(let names): hosts = names.map { ($0, mxPort, false) }
            case .implicitMX where bounceWithoutMX:
                return .permanentFailure(code: 550, enhanced: "5.1.2", text: "Recipient domain \(domain) has no MX record (bounce-upon-no-mx)")
            case .implicitMX(let name): hosts = [(name, mxPort, false)]
            case .nullMX: return .permanentFailure(code: 556, enhanced: "5.1.10", text: "Recipient domain \(domain) has a null MX (RFC 7505)")
            case .noSuchDomain: return .permanentFailure(code: 550, enhanced: "5.1.2", text: "Domain \(domain) does not exist")
            case .temporaryFailure(let why): return .temporaryFailure(why)
            }
        } else {
            var expanded: [(name: String, port: Int, literal: Bool)] = []
            for host in overrides {
                guard host.isMXLookup else {
                    expanded.append((host.host, host.port, host.isAddressLiteral))
                    continue
                }
                // lookup-mx:DOMAIN: that domain's MX hosts (or its own address without MX), on
                // the port given, else where MX hosts listen.
                let port = host.port == 25 ? mxPort : host.port
                switch await route(for: host.host) {
                case .hosts(let names): expanded += names.map { ($0, port, false) }
                case .implicitMX(let name): expanded.append((name, port, false))
                case .nullMX, .noSuchDomain: continue
                case .temporaryFailure(let why): return .temporaryFailure(why)
                }
            }
            hosts = expanded
        }
        var targets: [DeliveryTarget] = []
        var failure: String?
        for host in hosts {
            if host.literal {
                targets.append(DeliveryTarget(host: host.name, address: host.name, port: host.port))
                continue
            }
            switch await addresses(of: host.name) {
            case .addresses(let list):
                targets += list.map { DeliveryTarget(host: host.name, address: $0, port: host.port) }
            case .noAddress:
                continue
            case .temporaryFailure(let why):
                failure = why
            }
        }
        if !targets.isEmpty { return .targets(targets) }
        if let failure { return .temporaryFailure(failure) }
        return .permanentFailure(code: 550, enhanced: "5.4.4", text: "No address for any mail host of \(domain)")
    }
}
