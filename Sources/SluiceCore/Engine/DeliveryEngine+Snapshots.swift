import SluiceConfig

/// One queue as the control plane shows it.
public struct QueueSnapshot: Hashable, Sendable {
    /// `domain/vmta`.
    public var key: QueueKey
    /// Normal or backoff.
    public var mode: QueueMode
    /// When backoff began, in backoff.
    public var backoffSince: Instant?
    /// The hold on its domain, if any.
    public var heldBy: Control?
    /// The pause on it or its vmta, if any.
    public var pausedBy: Control?
    /// Recipients waiting (queued or deferred, not in flight).
    public var queued: Int
    /// Of which deferred (waiting for a retry).
    public var deferred: Int
    /// Recipients in transactions now.
    public var inFlight: Int
    /// Its vmta's source addresses that `disable-source-ip` has disabled for its domain, by address.
    public var disabledSources: [DisabledSource]
    /// Open connections (connecting, idle or busy).
    public var connections: Int
    /// Counters and rates.
    public var stats: TrafficStats
    /// Why it is not sending faster, most important first.
    public var constraints: [Constraint]
    /// The last failure reply.
    public var lastError: String?
    /// Recent events, oldest first.
    public var recentEvents: [EngineEvent]
    /// When the message of its oldest waiting recipient (queued or deferred) was received; nil
    /// when none waits.
    public var oldestQueued: Instant?
    /// Injection-to-final-outcome delays of its recipients since start.
    public var latency: LatencyHistogram

    /// The headline reason: the first constraint, or `sending`.
    public var why: String { constraints.first?.description ?? "sending" }
}

extension DeliveryEngine {
    /// The queue's snapshot, or nil when it does not exist.
    public func snapshot(of key: QueueKey, now: Instant) -> QueueSnapshot? {
        queueIndex[key].map { snapshot(q: $0, now: now) }
    }

    /// Every queue's snapshot, by key.
    public func queueSnapshots(now: Instant) -> [QueueSnapshot] {
        queues.indices.map { snapshot(q: UInt32($0), now: now) }.sorted { $0.key < $1.key }
    }

    func snapshot(q: UInt32, now: Instant) -> QueueSnapshot {
        let queue = queues[Int(q)], info = queueInfo[Int(q)]
        return QueueSnapshot(
            key: queue.key, mode: queue.mode,
            backoffSince: queue.mode == .backoff ? Instant(milliseconds: queue.backoffSince) : nil,
            heldBy: info.held, pausedBy: info.paused, queued: queue.queued, deferred: queue.deferred,
            inFlight: queue.inFlight, disabledSources: disabledSources(q), connections: queue.open, stats: info.stats.snapshot(atMs: now.milliseconds),
            constraints: constraints(q, now: now.milliseconds), lastError: info.lastError,
            recentEvents: info.events.ordered, oldestQueued: oldestWaiting(q).map(Instant.init(milliseconds:)),
            latency: info.latency)
    }

    /// The queue keys, sorted.
    public var queueKeys: [QueueKey] { queueIndex.keys.sorted() }

    /// A domain's counters (all its queues), or nil when it never had traffic.
    public func domainStats(_ domain: String, now: Instant) -> TrafficStats? {
        queuesOfDomain[domain.lowercased()].map { sumStats($0, now: now) }
    }

    /// A vmta's counters (all its queues), or nil when it never had traffic.
    public func vmtaStats(_ vmta: String, now: Instant) -> TrafficStats? {
        queuesOfVMTA[vmta].map { sumStats($0, now: now) }
    }

    func sumStats(_ indices: [UInt32], now: Instant) -> TrafficStats {
        indices.reduce(TrafficStats(counters: [:])) { $0 + queueInfo[Int($1)].stats.snapshot(atMs: now.milliseconds) }
    }

    /// Engine-wide counters.
    public func totalStats(now: Instant) -> TrafficStats { totalCounters.snapshot(atMs: now.milliseconds) }

    /// Recent events engine-wide, oldest first.
    public var recentEvents: [EngineEvent] { events.ordered }

    /// The effective settings of a queue, live overrides included (what `show settings` prints).
    public func settings(for key: QueueKey) -> DomainSettings {
        if let q = queueIndex[key] { return queueInfo[Int(q)].settings }
        return overriddenSettings(for: key)
    }

    /// Recipients queued or in flight, engine-wide.
    public var pendingRecipients: Int { queues.reduce(0) { $0 + $1.queued + $1.inFlight } }

    /// Open connections, engine-wide.
    public var openConnections: Int { totalConnections }

    /// The state of each recipient of a queued message, in order; nil once the message is finished.
    public func recipientStates(of id: MessageID) -> [RecipientState]? {
        guard let slot = slotOfMessage[id] else { return nil }
        return messages[Int(slot)].recipients.map { r in
            switch r.phase {
            case .queued: return .queued
            case .inFlight: return .inFlight
            case .deferred: return .deferred(until: Instant(milliseconds: r.nextAttempt))
            case .delivered: return .delivered
            case .bounced: return .bounced
            case .expired: return .expired
            case .deleted: return .deleted
            }
        }
    }

    /// Failed attempts of each recipient of a queued message (for persistence), in order.
    public func recipientAttempts(of id: MessageID) -> [Int]? {
        guard let slot = slotOfMessage[id] else { return nil }
        return messages[Int(slot)].recipients.map { Int($0.attempts) }
    }
}
