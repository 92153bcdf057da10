import SluiceConfig

/// Which queue a recipient domain's mail goes to: `queue-to`, then `<mx-rollup-list>`, then the
/// domain itself. Rollups depend on DNS (the domain's MX hosts), so the I/O layer looks them up
/// and hands the engine the result with ``DeliveryEngine/assignRollup(_:to:)`` before it admits
/// mail for the domain; the engine itself stays free of I/O.
extension DeliveryEngine {
    /// Puts `domain`'s mail admitted from now on in the rolled-up queue `queue` (per vmta), or
    /// in its own queue when `queue` is nil. Recipients already queued stay where they are.
    /// Cheap when nothing changes, so the I/O layer may repeat it before every admission.
    public mutating func assignRollup(_ queue: String?, to domain: String) {
        let name = Self.normalised(domain)
        let rollup = queue.map { $0.lowercased() }
        guard rollupOfDomain[name] != rollup else { return }
        rollupOfDomain[name] = rollup
        routes[name] = nil
    }

    /// The rolled-up queue assigned to `domain`, or nil.
    public func rollup(of domain: String) -> String? {
        rollupOfDomain[Self.normalised(domain)]
    }

    /// The name of the queue (for `vmta`) that mail for recipient domain `domain` goes to: the
    /// domain's `queue-to` if set, else its rollup (``assignRollup(_:to:)``), else the domain.
    public func queueName(forDomain domain: String, vmta: String) -> String {
        destination(forDomain: Self.normalised(domain), vmta: vmta).queue
    }

    /// The domain whose MX hosts connections for queue `key` resolve: the queue's own domain,
    /// or for a rolled-up queue the member domain that stands for it (the first one routed to
    /// it, preferring a domain assigned by its MX hosts over one sent by `queue-to`).
    public func destinationDomain(of key: QueueKey) -> String {
        queueIndex[key].flatMap { queueInfo[Int($0)].destination } ?? key.domain
    }

    /// The queue for recipients of `domain` (as written in the address) sent through `vmta`,
    /// created when new; cached per domain and vmta.
    mutating func route(domain: String, vmta: String) -> UInt32 {
        let name = Self.normalised(domain)
        if let q = routes[name]?[vmta] { return q }
        let (queueName, rank) = destination(forDomain: name, vmta: vmta)
        let q = queue(for: QueueKey(domain: queueName, vmta: vmta))
        if rank > queueInfo[Int(q)].destinationRank {
            queueInfo[Int(q)].destinationRank = rank
            queueInfo[Int(q)].destination = rank == .ownName ? nil : name
        }
        routes[name, default: [:]][vmta] = q
        return q
    }

    /// The queue name for a normalised recipient domain, and how well the domain stands for
    /// that queue's destination.
    func destination(forDomain name: String, vmta: String) -> (queue: String, rank: DestinationRank) {
        if let target = configuration.settings(for: QueueKey(domain: name, vmta: vmta)).queueTo.value?.lowercased(),
           !target.isEmpty, target != name {
            // A rolled-up queue delivers to its members' MX; any other name is a domain of its own.
            return (target, rollupQueueNames.contains(target) ? .queueToSource : .ownName)
        }
        if let rollup = rollupOfDomain[name] {
            return (rollup, rollup == name ? .ownName : .rollupMember)
        }
        return (name, .ownName)
    }

    /// Lower case without a trailing dot, as `<domain>` matching and queue keys compare names.
    static func normalised(_ domain: String) -> String {
        var name = domain.lowercased()
        while name.hasSuffix(".") { name.removeLast() }
        return name
    }
}
