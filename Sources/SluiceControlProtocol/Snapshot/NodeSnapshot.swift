/// Everything the console shows at one instant, built by the control plane once a second and
/// streamed to subscribers. Immutable: renderers read it, never change it.
public struct NodeSnapshot: Codable, Hashable, Sendable {
    /// Node-wide figures.
    public var status: StatusSnapshot
    /// One row per destination domain.
    public var domains: [DomainRow]
    /// One row per queue.
    public var queues: [QueueRow]
    /// One row per virtual MTA.
    public var vmtas: [VMTARow]

    /// Creates a snapshot.
    public init(status: StatusSnapshot, domains: [DomainRow], queues: [QueueRow], vmtas: [VMTARow]) {
        self.status = status
        self.domains = domains
        self.queues = queues
        self.vmtas = vmtas
    }
}
