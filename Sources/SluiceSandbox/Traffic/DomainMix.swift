import SluiceConfig

/// One recipient domain of the generated traffic, its weight, and the sandbox profile that plays
/// its receiver.
public struct TrafficDomain: Hashable, Sendable {
    /// The recipient domain, e.g. `gmail.com`.
    public var name: String
    /// Its relative weight in the mix (need not add up to 100).
    public var weight: Int
    /// The shipped profile that simulates it (`gmail`, `yahoo`, `outlook` or `generic`).
    public var profile: String

    /// Creates a domain entry.
    public init(name: String, weight: Int, profile: String) {
        self.name = name.lowercased()
        self.weight = max(0, weight)
        self.profile = profile
    }
}

/// The recipient-domain mix of the generated traffic.
public struct DomainMix: Hashable, Sendable {
    /// The domains, in order.
    public let domains: [TrafficDomain]
    /// The sum of the weights.
    public let totalWeight: Int

    /// Creates a mix; domains of weight 0 are dropped.
    public init(_ domains: [TrafficDomain]) {
        self.domains = domains.filter { $0.weight > 0 }
        self.totalWeight = self.domains.reduce(0) { $0 + $1.weight }
    }

    /// A realistic consumer mix: Gmail 40%, Yahoo 25%, Microsoft 20% (outlook.com and hotmail.com),
    /// other domains 15%.
    public static let standard = DomainMix([
        TrafficDomain(name: "gmail.com", weight: 40, profile: "gmail"),
        TrafficDomain(name: "yahoo.com", weight: 25, profile: "yahoo"),
        TrafficDomain(name: "outlook.com", weight: 10, profile: "outlook"),
        TrafficDomain(name: "hotmail.com", weight: 10, profile: "outlook"),
        TrafficDomain(name: "example.com", weight: 5, profile: "generic"),
        TrafficDomain(name: "example.net", weight: 5, profile: "generic"),
        TrafficDomain(name: "example.org", weight: 5, profile: "generic"),
    ])

    /// Parses `gmail.com=40,yahoo.com=25,example.net=10`; the profile of each domain is taken from
    /// the standard mix, `generic` otherwise.
    public init(parsing text: String) throws(ValueError) {
        let error = ValueError(expected: "a domain mix such as gmail.com=40,yahoo.com=25", found: text)
        var domains: [TrafficDomain] = []
        for item in text.split(separator: ",") {
            let pair = item.split(separator: "=", omittingEmptySubsequences: false)
            guard pair.count == 2, !pair[0].isEmpty, pair[0].contains("."),
                  let weight = Int(pair[1]), weight >= 0, weight <= 1_000_000 else { throw error }
            let name = pair[0].lowercased()
            let profile = DomainMix.standard.domains.first { $0.name == name }?.profile ?? "generic"
            domains.append(TrafficDomain(name: name, weight: weight, profile: profile))
        }
        self.init(domains)
        guard totalWeight > 0 else { throw error }
    }

    /// The domain for a uniform draw in `0..<totalWeight`.
    func domain(at draw: UInt64) -> TrafficDomain? {
        var rest = Int(draw)
        for domain in domains {
            if rest < domain.weight { return domain }
            rest -= domain.weight
        }
        return domains.last
    }
}
