import SluiceConfig
import SluiceCore

/// `<mx-rollup-list>` routing: before mail is admitted, the node looks up the MX host names of its
/// recipient domains (off the node, through ``RollupResolver``), matches them against the
/// configuration's rollup entries and tells the engine which rolled-up queue each domain shares.
extension MailNode {
    /// At start-up, the spool's recipient domains are looked up this many at a time.
    static let rollupStartupBatch = 64
    /// At start-up, lookups stop after waiting this many lookup timeouts in all; the domains left
    /// go to their own queues.
    static let rollupStartupBudget = 15

    /// Assigns the rollups of `recipients`' domains in the engine; nothing without an
    /// `<mx-rollup-list>`. Many domains (a restored spool) are looked up in batches, within
    /// ``rollupStartupBudget`` timeouts.
    func assignRollups(forRecipients recipients: some Sequence<String>) async {
        guard !rollupTable.isEmpty else { return }
        let domains = Self.recipientDomains(recipients)
        guard domains.count > Self.rollupStartupBatch else {
            assignRollups(await rollupResolver.exchanges(of: domains))
            return
        }
        let clock = options.clock
        let giveUp = clock.now() + TimeSpan(milliseconds: options.rollupLookupTimeout.milliseconds * Int64(Self.rollupStartupBudget))
        var batch: Set<String> = []
        var left = domains.count
        for domain in domains {
            batch.insert(domain)
            guard batch.count == Self.rollupStartupBatch || batch.count == left else { continue }
            assignRollups(await rollupResolver.exchanges(of: batch))
            left -= batch.count
            batch = []
            if left > 0, clock.now() >= giveUp {
                log("mx-rollup-list: MX lookups given up after \(Self.rollupStartupBudget) timeouts' wait; "
                    + "\(left) recipient domain(s) stay in their own queues")
                return
            }
        }
    }

    /// Assigns each domain the rollup its MX host names match (none: its own queue), by the
    /// configuration in force now.
    func assignRollups(_ exchanges: [String: [String]]) {
        guard !rollupTable.isEmpty else { return }
        for (domain, hosts) in exchanges {
            engine.assignRollup(rollupTable.queueName(forExchanges: hosts), to: domain)
        }
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
