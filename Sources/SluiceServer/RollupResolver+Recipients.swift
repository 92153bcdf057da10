import SluiceConfig
import SluiceCore

/// `<mx-rollup-list>` routing: before mail is admitted, the node looks up the MX host names of its
/// recipient domains, so that the core can tell the engine which rolled-up queue each domain shares.
extension RollupResolver {
    /// At start-up, the spool's recipient domains are looked up this many at a time.
    static let startupBatch = 64
    /// At start-up, lookups stop after waiting this many lookup timeouts in all; the domains left
    /// go to their own queues.
    static let startupBudget = 15

    /// Looks up the MX host names of `domains` (see ``recipientDomains(_:)``) and hands the
    /// answers to `assign`.
    /// Many domains (a restored spool) are looked up in batches of ``startupBatch``, within
    /// ``startupBudget`` timeouts; giving up is logged.
    func lookUp(domains: Set<String>, log: @Sendable (String) -> Void,
                assign: @Sendable ([String: [String]]) async -> Void) async {
        guard domains.count > Self.startupBatch else {
            await assign(await exchanges(of: domains))
            return
        }
        let giveUp = clock.now() + TimeSpan(milliseconds: timeout.milliseconds * Int64(Self.startupBudget))
        var batch: Set<String> = []
        var left = domains.count
        for domain in domains {
            batch.insert(domain)
            guard batch.count == Self.startupBatch || batch.count == left else { continue }
            await assign(await exchanges(of: batch))
            left -= batch.count
            batch = []
            if left > 0, clock.now() >= giveUp {
                log("mx-rollup-list: MX lookups given up after \(Self.startupBudget) timeouts' wait; "
                    + "\(left) recipient domain(s) stay in their own queues")
                return
            }
        }
    }

    /// The domain of one recipient address, lower case without a trailing dot; empty when the
    /// address has none.
    static func recipientDomain(_ recipient: String) -> String {
        guard let at = recipient.lastIndex(of: "@") else { return "" }
        var name = recipient[recipient.index(after: at)...].lowercased()
        while name.hasSuffix(".") { name.removeLast() }
        return name
    }

    /// The distinct domains of `recipients`, lower case without a trailing dot.
    static func recipientDomains(_ recipients: some Sequence<String>) -> Set<String> {
        var domains: Set<String> = []
        var previous: Substring = ""
        for recipient in recipients {
            guard let at = recipient.lastIndex(of: "@") else { continue }
            let domain = recipient[recipient.index(after: at)...]
            guard !domain.isEmpty, domain != previous else { continue }
            previous = domain
            var name = domain.lowercased()
            while name.hasSuffix(".") { name.removeLast() }
            if !name.isEmpty { domains.insert(name) }
        }
        return domains
    }
}
