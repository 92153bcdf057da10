import SluiceConfig

/// A pool's cold members at one choice of a member: which members are cold, and whether one may
/// take a message for the recipients' domains today (`max-cold-virtual-mta-msg`, per domain).
struct ColdChoice {
    /// The pool's cold members.
    let coldMembers: Set<String>
    /// The message's recipient domains, lower case, each once.
    let domains: [String]
    /// The UTC day of the choice.
    let day: Int64
    /// Cold member → whether every domain's cap (0: none) leaves room today.
    private let room: [String: Bool]

    /// The choice for a message to `recipients` from `pool` at `now`.
    init(engine: DeliveryEngine, pool: String, recipients: [String], now: Int64) {
        coldMembers = Set(engine.configuration.coldPoolMembers(pool))
        day = floorDiv(now, DeliveryEngine.dayMs)
        guard !coldMembers.isEmpty else {
            domains = []
            room = [:]
            return
        }
        var domains: [String] = []
        for address in recipients {
            guard let start = AddressBytes.domainStart(address) else { continue }
            let domain = DeliveryEngine.normalised(AddressBytes.domain(address, from: start))
            if !domains.contains(domain) { domains.append(domain) }
        }
        self.domains = domains
        var ledger = engine.warmup.cold
        ledger.roll(to: day)
        var room: [String: Bool] = [:]
        for member in coldMembers {
            room[member] = domains.allSatisfy { domain in
                let cap = engine.configuration.settings(for: QueueKey(domain: domain, vmta: member)).maxColdVirtualMTAMsg.value
                return cap == 0 || ledger.count(vmta: member, domain: domain) < cap
            }
        }
        self.room = room
    }

    /// True for a cold member.
    func isCold(_ vmta: String) -> Bool { coldMembers.contains(vmta) }

    /// True when `vmta` may take the message: warm, or cold with room for every domain.
    func hasRoom(_ vmta: String) -> Bool { room[vmta] ?? true }
}

extension DeliveryEngine {
    /// Counts the message for `vmta` when it is a cold member.
    mutating func noteColdChoice(_ choice: ColdChoice, _ vmta: String) {
        guard choice.isCold(vmta) else { return }
        warmup.cold.roll(to: choice.day)
        warmup.cold.note(vmta: vmta, domains: choice.domains)
        warmup.revision &+= 1
    }
}
