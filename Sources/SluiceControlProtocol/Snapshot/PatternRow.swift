/// One reply template of the Patterns view (JSON `patterns` of a snapshot): deferral and bounce
/// replies (dsnDiag) with their addresses, IPs, ids, numbers and times masked, counted over the
/// last hour.
public struct PatternRow: Codable, Hashable, Sendable {
    /// A domain or vmta the template hits (or, in a dry run, a queue the pattern's replies came from).
    public struct Share: Codable, Hashable, Sendable {
        /// The domain or vmta (the queue, `domain/vmta`, in a dry run).
        public var name: String
        /// The template's replies there in the last hour.
        public var count: Int
        /// `count` over all the deferrals and bounces there in the last hour (in a dry run: over
        /// all the replies the pattern matched), 0…1.
        public var share: Double

        /// Creates a share.
        public init(name: String, count: Int, share: Double) {
            self.name = name
            self.count = count
            self.share = share
        }
    }

    /// The template, e.g. `421 4.7.0 [TSS04] Messages from {ip} temporarily deferred …`.
    public var template: String
    /// The newest reply of the template as received.
    public var example: String
    /// Deferrals in the last hour.
    public var deferred: Int
    /// Bounces in the last hour.
    public var bounced: Int
    /// Replies per minute over the last hour, oldest first.
    public var perMinute: [Int]
    /// When it was first seen, Unix seconds.
    public var firstSeen: Double
    /// When it was last seen, Unix seconds.
    public var lastSeen: Double
    /// The domains it hits, most first.
    public var domains: [Share]
    /// The vmtas it hits, most first.
    public var vmtas: [Share]

    /// Creates a row.
    public init(template: String, example: String, deferred: Int, bounced: Int, perMinute: [Int], firstSeen: Double,
                lastSeen: Double, domains: [Share], vmtas: [Share]) {
        self.template = template
        self.example = example
        self.deferred = deferred
        self.bounced = bounced
        self.perMinute = perMinute
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.domains = domains
        self.vmtas = vmtas
    }

    /// Replies in the last hour.
    public var count: Int { deferred + bounced }

    /// The row's name (its template), unique within a snapshot.
    public var name: String { template }

    enum CodingKeys: String, CodingKey {
        case template, example, deferred, bounced, domains, vmtas
        case perMinute = "per_minute"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }
}
