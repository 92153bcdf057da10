import SluiceConfig

extension DeliveryEngine {
    /// How long unused grants stay usable: a grant is for the next moments' messages, never for a
    /// later burst above the rate.
    static let grantLifetimeMs: Int64 = 1_000
    /// Messages a connection carries on its lease before giving it back for the other nodes' turn.
    static let leaseQuantum = 20
    /// The wait after a refused (or rotated) lease before asking again.
    static let leaseRetryMs: Int64 = 100
    /// A grant batch covers about this much of the queue's rate (µs): with 30/s, 7 messages.
    static let grantBatchSpanMicroseconds: Int64 = 250_000
    /// The largest grant batch.
    static let maxGrantBatch = 100

    /// Where the throttles are kept: ``FleetThrottling/local`` unless the I/O layer says otherwise.
    public var fleetThrottling: FleetThrottling { fleet }

    /// Switches where the throttles are kept: to ``FleetThrottling/shared`` when the fleet's store
    /// answers, to ``FleetThrottling/fallback(liveNodes:)`` when it does not. Grants and leases
    /// held are dropped (the I/O layer forgets its leases too: in the store they lapse), every
    /// queue's limits are recomputed and work re-planned. Connections open beyond the new limits
    /// close as they become idle.
    public mutating func setFleetThrottling(_ mode: FleetThrottling, now: Instant) -> [EngineAction] {
        var mode = mode
        if case .fallback(let nodes) = mode { mode = .fallback(liveNodes: max(1, nodes)) }
        guard mode != fleet else { return [] }
        fleet = mode
        var actions: [EngineAction] = []
        let ms = now.milliseconds
        expireControls(now: now, into: &actions)
        for q in queues.indices {
            queues[q].quota = FleetQuota()
            refresh(UInt32(q))
            service(UInt32(q), now: ms, into: &actions)
        }
        finishInput(now: ms, into: &actions)
        return actions
    }

    /// The store answered a ``EngineAction/requestGrants(_:)``. Grants arriving after the mode left
    /// ``FleetThrottling/shared`` are dropped.
    public mutating func grantsReceived(_ queue: QueueKey, _ answer: GrantAnswer, now: Instant) -> [EngineAction] {
        guard let q = queueIndex[queue] else { return [] }
        let i = Int(q), ms = now.milliseconds
        queues[i].quota.grantPending = false
        guard fleet == .shared else { return [] }
        if answer.granted > 0 {
            queues[i].quota.grants = queues[i].quota.grants(now: ms) + answer.granted
            queues[i].quota.grantsExpireAt = satAdd(ms, Self.grantLifetimeMs)
        } else {
            queues[i].quota.grantRetryAt = satAdd(ms, max(1, answer.retryAfter.milliseconds))
        }
        var actions: [EngineAction] = []
        service(q, now: ms, into: &actions)
        finishInput(now: ms, into: &actions)
        return actions
    }

    /// The store answered an ``EngineAction/acquireLease(_:)``. A lease granted when the queue no
    /// longer wants it (the mode changed, the queue is gone) is given back at once.
    public mutating func leaseAnswered(_ queue: QueueKey, granted: Bool, now: Instant) -> [EngineAction] {
        guard let q = queueIndex[queue] else { return granted ? [.releaseLease(queue)] : [] }
        let i = Int(q), ms = now.milliseconds
        queues[i].quota.leasePending = false
        guard fleet == .shared else { return granted ? [.releaseLease(queue)] : [] }
        if granted {
            queues[i].quota.leases += 1
        } else {
            queues[i].quota.leaseRetryAt = satAdd(ms, Self.leaseRetryMs)
        }
        var actions: [EngineAction] = []
        service(q, now: ms, into: &actions)
        finishInput(now: ms, into: &actions)
        return actions
    }

    /// The grants and leases each queue holds, for status and tests.
    public var fleetQuotas: [QueueKey: (grants: Int, leases: Int)] {
        var out: [QueueKey: (grants: Int, leases: Int)] = [:]
        for queue in queues where queue.quota.grants > 0 || queue.quota.leases > 0 {
            out[queue.key] = (queue.quota.grants, queue.quota.leases)
        }
        return out
    }

    /// Asks for a batch of grants when the queue has ready work, its grants run low (half a batch
    /// or less) and no request is on the way.
    mutating func requestGrantsIfNeeded(_ q: UInt32, now: Int64, into actions: inout [EngineAction]) {
        let i = Int(q)
        guard queues[i].shared, queues[i].needsGrants, !queues[i].blocked, !queues[i].ready.isEmpty,
              !queues[i].quota.grantPending, now >= queues[i].quota.grantRetryAt else { return }
        let batch = grantBatch(q)
        guard queues[i].quota.grants(now: now) <= batch / 2 else { return }
        queues[i].quota.grantPending = true
        actions.append(.requestGrants(GrantRequest(
            queue: queues[i].key, count: batch, intervalMicroseconds: queues[i].messageInterval ?? 0,
            burst: tuning.messageRateBurst, perHour: queues[i].limits.perHour, perDay: queues[i].limits.perDay)))
    }

    /// Grants worth asking for at once: about ``grantBatchSpanMicroseconds`` of the rate, no more
    /// than the recipients waiting.
    func grantBatch(_ q: UInt32) -> Int {
        let queue = queues[Int(q)]
        var batch = Self.maxGrantBatch
        if let interval = queue.messageInterval, interval > 0 {
            batch = Int(min(Int64(Self.maxGrantBatch), max(1, Self.grantBatchSpanMicroseconds / interval)))
        }
        return max(1, min(batch, queue.queued - queue.deferred))
    }

    /// Asks for one more connection lease when every leased connection is in use, the queue has
    /// more ready work than connections on the way and grants to carry it, and holds fewer leases
    /// than its limit.
    mutating func requestLeaseIfNeeded(_ q: UInt32, now: Int64, into actions: inout [EngineAction]) {
        let i = Int(q)
        let queue = queues[i]
        guard queue.shared, !queue.blocked, !queue.ready.isEmpty, queue.idle.isEmpty,
              queue.open >= queue.quota.leases, queue.quota.leases < queue.baseConnectionLimit,
              !queue.quota.leasePending, now >= queue.quota.leaseRetryAt, now >= queue.connectRetryAt,
              queue.ready.count > queue.connecting,
              !queue.needsGrants || queue.quota.grants(now: now) > queue.connecting else { return }
        queues[i].quota.leasePending = true
        actions.append(.acquireLease(LeaseRequest(queue: queue.key, limit: queue.baseConnectionLimit)))
    }

    /// Gives back the leases the queue holds beyond its open connections.
    mutating func releaseSpareLeases(_ q: UInt32, into actions: inout [EngineAction]) {
        let i = Int(q)
        while queues[i].shared, queues[i].quota.leases > queues[i].open {
            queues[i].quota.leases -= 1
            actions.append(.releaseLease(queues[i].key))
        }
    }
}

extension QueueLimits {
    /// The node's share of a fleet-wide limit while the shared store is unreachable: rates and caps
    /// divided by `nodes`, connection limits too (each at least 1).
    mutating func divide(by nodes: Int) {
        guard nodes > 1 else { return }
        let n = Int64(nodes)
        func spread(_ interval: Int64?) -> Int64? { interval.map { min(GCRA.never, satMul($0, n)) } }
        messageInterval = spread(messageInterval)
        backoffMessageInterval = spread(backoffMessageInterval)
        smtpOut = max(1, smtpOut / nodes)
        backoffSmtpOut = max(1, backoffSmtpOut / nodes)
        if perHour > 0 { perHour = max(1, perHour / nodes) }
        if perDay > 0 { perDay = max(1, perDay / nodes) }
    }
}
