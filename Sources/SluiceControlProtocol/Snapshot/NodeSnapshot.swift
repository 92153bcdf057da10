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
    /// The deferral and bounce reply templates of the last hour, most frequent first (bounded:
    /// the node sends its top ones only).
    public var patterns: [PatternRow]
    /// One row per job (X-Job), by name (bounded: the node sends its busiest ones only).
    public var jobs: [JobRow]

    /// Creates a snapshot.
    public init(status: StatusSnapshot, domains: [DomainRow], queues: [QueueRow], vmtas: [VMTARow], patterns: [PatternRow] = [],
                jobs: [JobRow] = []) {
        self.status = status
        self.domains = domains
        self.queues = queues
        self.vmtas = vmtas
        self.patterns = patterns
        self.jobs = jobs
    }

    enum CodingKeys: String, CodingKey {
        case status, domains, queues, vmtas, patterns, jobs
    }

    /// Decodes a snapshot; one from a node without the Patterns or Jobs view has no `patterns`
    /// or `jobs`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decode(StatusSnapshot.self, forKey: .status)
        domains = try c.decode([DomainRow].self, forKey: .domains)
        queues = try c.decode([QueueRow].self, forKey: .queues)
        vmtas = try c.decode([VMTARow].self, forKey: .vmtas)
        patterns = try c.decodeIfPresent([PatternRow].self, forKey: .patterns) ?? []
        jobs = try c.decodeIfPresent([JobRow].self, forKey: .jobs) ?? []
    }
}
