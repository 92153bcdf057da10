import SluiceBase
import SluiceConfig

/// Where mail for a domain goes.
public enum MailRoute: Hashable, Sendable {
    /// The exchange hosts in delivery order.
    case hosts([String])
    /// The domain has no MX records: its own name is the implicit MX of RFC 5321 §5.1.
    case implicitMX(String)
    /// The domain publishes a null MX (RFC 7505): it accepts no mail; bounce at once.
    case nullMX
    /// The domain does not exist (NXDOMAIN): bounce.
    case noSuchDomain
    /// The lookup failed for now (timeout, SERVFAIL): try later.
    case temporaryFailure(String)
}

/// The addresses of one host.
public enum HostAddresses: Hashable, Sendable {
    /// IPv4 addresses first, then IPv6, as the name server returned them.
    case addresses([String])
    /// The host has no A or AAAA record, or does not exist.
    case noAddress
    /// The lookup failed for now.
    case temporaryFailure(String)
}

/// MX and address resolution with a TTL cache. Answers are cached for their records' smallest
/// TTL (at least ``minimumTTL``); "does not exist" answers for ``negativeTTL``; failures are not
/// cached. Time comes from the injected ``SluiceBase/Clock``, so expiry is testable.
public actor MXResolver {
    private struct Entry {
        var message: DNSMessage
        var expires: Instant
    }

    private let querier: any DNSQuerying
    private let clock: any Clock
    private var generator: any RandomNumberGenerator
    private var cache: [String: Entry] = [:]
    /// The shortest time an answer is kept.
    public let minimumTTL: TimeSpan
    /// How long NXDOMAIN and empty answers are kept.
    public let negativeTTL: TimeSpan

    /// Creates a resolver.
    ///
    /// - Parameters:
    ///   - querier: Sends the queries (``SystemResolver`` in production).
    ///   - clock: The node's time source (cache expiry).
    ///   - generator: Shuffles equal-preference exchanges.
    public init(querier: any DNSQuerying, clock: any Clock,
                generator: any RandomNumberGenerator = SystemRandomNumberGenerator(),
                minimumTTL: TimeSpan = .seconds(5), negativeTTL: TimeSpan = .seconds(300)) {
        self.querier = querier
        self.clock = clock
        self.generator = generator
        self.minimumTTL = minimumTTL
        self.negativeTTL = negativeTTL
    }

    /// The delivery route for `domain`.
    public func route(for domain: String) async -> MailRoute {
        let name = Self.normalise(domain)
        switch await lookup(name, .mx) {
        case .failed(let why):
            return .temporaryFailure(why)
        case .response(let message):
            switch message.responseCode {
            case .nameError:
                return .noSuchDomain
            case .serverFailure, .other:
                return .temporaryFailure("MX lookup for \(name): \(message.responseCode)")
            case .noError:
                let records = message.answers.compactMap { record -> (preference: UInt16, exchange: String)? in
                    if case .mx(let preference, let exchange, _) = record { return (preference, exchange) }
                    return nil
                }
                if records.isEmpty { return .implicitMX(name) }
                if records.allSatisfy({ $0.exchange.isEmpty }) { return .nullMX }
                return .hosts(MXOrdering.order(records, using: &generator))
            }
        }
    }

    /// The IPv4 and IPv6 addresses of `host`.
    public func addresses(of host: String) async -> HostAddresses {
        let name = Self.normalise(host)
        async let v4 = lookup(name, .a)
        async let v6 = lookup(name, .aaaa)
        var addresses: [String] = []
        var failure: String?
        for result in [await v4, await v6] {
            switch result {
            case .failed(let why):
                failure = why
            case .response(let message):
                switch message.responseCode {
                case .noError, .nameError:
                    for record in message.answers {
                        if case .a(let address, _) = record { addresses.append(address) }
                        if case .aaaa(let address, _) = record { addresses.append(address) }
                    }
                case .serverFailure, .other:
                    failure = "address lookup for \(name): \(message.responseCode)"
                }
            }
        }
        if !addresses.isEmpty { return .addresses(addresses) }
        if let failure { return .temporaryFailure(failure) }
        return .noAddress
    }

    /// Forgets every cached answer.
    public func flush() { cache.removeAll() }

    private func lookup(_ name: String, _ type: DNSRecordType) async -> DNSQueryResult {
        let key = "\(type.rawValue) \(name)"
        if let entry = cache[key], entry.expires > clock.now() { return .response(entry.message) }
        let result = await querier.query(name, type: type)
        if case .response(let message) = result {
            switch message.responseCode {
            case .noError where !message.answers.isEmpty:
                let ttl = TimeSpan.seconds(Int64(message.answers.map(\.ttl).min() ?? 0))
                cache[key] = Entry(message: message, expires: clock.now() + max(ttl, minimumTTL))
            case .noError, .nameError:
                cache[key] = Entry(message: message, expires: clock.now() + negativeTTL)
            default:
                break
            }
        }
        return result
    }

    private static func normalise(_ name: String) -> String {
        var lowered = name.lowercased()
        while lowered.hasSuffix(".") { lowered.removeLast() }
        return lowered
    }
}
