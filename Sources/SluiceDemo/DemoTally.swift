import SluiceControlProtocol

/// One recipient domain's figures over a demo run.
public struct DomainTally: Hashable, Sendable {
    /// Messages the generator injected (the MTA accepted them).
    public var injected = 0
    /// Recipients delivered.
    public var delivered = 0
    /// Deferrals (each failed attempt of a recipient counts once).
    public var deferred = 0
    /// Deferrals by reply, keyed by ``DemoTally/replyKey(_:)`` (`421 4.7.0`, `421 4.7.0 [TSS04]`).
    public var deferralsByReply: [String: Int] = [:]
    /// Bounces (and expiries) by bounce category.
    public var bouncedByCategory: [String: Int] = [:]
    /// Times one of the domain's queues entered backoff.
    public var backoffEpisodes = 0
    /// The queues' last errors as seen in snapshots, by ``DemoTally/replyKey(_:)``: they include
    /// refusals no recipient event carries, such as a `421` greeting while other connections of
    /// the queue still work.
    public var errorsSeen: Set<String> = []

    /// Creates empty figures.
    public init() {}

    /// All bounces.
    public var bounced: Int { bouncedByCategory.values.reduce(0, +) }
}

/// Per-domain figures of a demo run, built from the node's delivery events and from queue
/// snapshots (a queue seen in backoff after being seen in normal mode, or for the first time,
/// starts an episode). Pure: the run feeds it.
public struct DemoTally: Hashable, Sendable {
    /// Figures by recipient domain.
    public private(set) var domains: [String: DomainTally] = [:]
    /// Each queue's mode at the last observation.
    private var modes: [String: String] = [:]

    /// An empty tally.
    public init() {}

    /// Counts one delivery event.
    public mutating func record(_ event: EventRecord) {
        let domain = Self.domain(ofQueue: event.queue)
        switch event.kind {
        case "delivered":
            domains[domain, default: DomainTally()].delivered += 1
        case "deferred":
            domains[domain, default: DomainTally()].deferred += 1
            domains[domain, default: DomainTally()].deferralsByReply[Self.replyKey(event.dsnDiag), default: 0] += 1
        case "bounced", "expired":
            let category = event.category.isEmpty ? (event.kind == "expired" ? "message-expired" : "other") : event.category
            domains[domain, default: DomainTally()].bouncedByCategory[category, default: 0] += 1
        default:
            break
        }
    }

    /// Notes each queue's mode and last error; a queue now in backoff that was not at the last
    /// look starts an episode of its domain.
    public mutating func observe(_ queues: [QueueRow]) {
        for queue in queues {
            if !queue.figures.lastError.isEmpty {
                domains[queue.domain, default: DomainTally()].errorsSeen.insert(Self.replyKey(queue.figures.lastError))
            }
            let previous = modes[queue.name]
            modes[queue.name] = queue.figures.mode
            if queue.figures.mode == "backoff", previous != "backoff" {
                domains[queue.domain, default: DomainTally()].backoffEpisodes += 1
            }
        }
    }

    /// Sets how many messages the generator injected per domain.
    public mutating func setInjected(_ byDomain: [String: Int]) {
        for (domain, count) in byDomain { domains[domain, default: DomainTally()].injected = count }
    }

    /// The queues in backoff at the last observation, sorted.
    public var queuesInBackoff: [String] { modes.filter { $0.value == "backoff" }.keys.sorted() }

    /// The domain of a `domain/vmta` queue name.
    static func domain(ofQueue name: String) -> String {
        guard let slash = name.lastIndex(of: "/") else { return name }
        return String(name[..<slash])
    }

    /// A short key for a reply: the code, the enhanced status and a bracketed tag that is not an
    /// address (`421 4.7.0 [TSS04]`), so that one provider's replies group together whatever
    /// IP or transaction id they name. A local reason without a code keeps its first words.
    public static func replyKey(_ diagnostic: String) -> String {
        let words = diagnostic.split(separator: " ", omittingEmptySubsequences: true)
        guard let code = words.first, code.count == 3, code.allSatisfy(\.isNumber) else {
            return words.prefix(4).joined(separator: " ")
        }
        var key = [String(code)]
        var rest = words.dropFirst()
        if let status = rest.first, status.split(separator: ".").count == 3, status.first?.isNumber == true {
            key.append(String(status))
            rest = rest.dropFirst()
        }
        if let tag = rest.first, tag.hasPrefix("["), tag.hasSuffix("]"), !tag.dropFirst().dropLast().contains(where: { $0 == "." || $0 == ":" }) {
            key.append(String(tag))
        }
        return key.joined(separator: " ")
    }
}
