import SluiceCore

extension NodeCore {
    /// Where the engine keeps its throttles: shared through the fleet's store, or this node's
    /// fallback share while the store is unreachable.
    mutating func setFleetThrottling(_ mode: FleetThrottling, now: Instant) -> [NodeEffect] {
        effects(of: engine.setFleetThrottling(mode, now: now), now: now)
    }

    /// The fleet's store answered a grant request.
    mutating func grantsReceived(_ queue: QueueKey, _ answer: GrantAnswer, now: Instant) -> [NodeEffect] {
        effects(of: engine.grantsReceived(queue, answer, now: now), now: now)
    }

    /// The fleet's store answered a lease request.
    mutating func leaseAnswered(_ queue: QueueKey, granted: Bool, now: Instant) -> [NodeEffect] {
        effects(of: engine.leaseAnswered(queue, granted: granted, now: now), now: now)
    }
}
