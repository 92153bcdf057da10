/// The fleet's shared throttle state (DESIGN.md "Beyond one machine"): message grants under a
/// queue's rate and caps, and connection leases under its connection limit, for every node at once.
///
/// The engine never calls it: it holds grants and leases, asks for more with
/// ``EngineAction/requestGrants(_:)`` and ``EngineAction/acquireLease(_:)``, and the I/O layer
/// answers from a store (Redis's, in SluiceServer). Without a fleet the engine keeps its
/// throttles in process (``FleetThrottling/local``) and no store exists.
public protocol SharedThrottleStore: Sendable {
    /// Grants up to `request.count` messages of the queue; nil when the store is unreachable.
    func grant(_ request: GrantRequest) async -> GrantAnswer?
    /// Takes one connection lease of the queue when fewer than `request.limit` are held
    /// fleet-wide; nil when the store is unreachable.
    func acquireLease(_ request: LeaseRequest) async -> Bool?
    /// Gives one of this node's leases of the queue back.
    func releaseLease(_ queue: QueueKey) async
    /// Forgets every lease this node holds (they lapse in the store): after the engine left or
    /// re-entered ``FleetThrottling/shared``.
    func forgetLeases() async
}
