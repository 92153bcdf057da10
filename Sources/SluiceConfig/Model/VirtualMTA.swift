/// A `<virtual-mta NAME>` block: a sending identity (source address and host name) with its own
/// per-domain overrides.
public struct VirtualMTA: Hashable, Sendable {
    /// The vmta's name, the second half of queue names (`gmail.com/NAME`).
    public var name: String
    /// The `smtp-source-host ADDRESS HOSTNAME` lines in file order: the local addresses deliveries
    /// bind to, used in turn, one per connection (PowerMTA allows several per vmta).
    public var sourceHosts: [SourceHost]
    /// The first `smtp-source-host` address: the vmta's address where one is shown or matched
    /// (`default-virtual-mta by-smtp-source-ip`, `show vmtas`).
    public var sourceAddress: IPAddress? { sourceHosts.first?.address }
    /// The host name of the first `smtp-source-host` line.
    public var sourceHostName: String? { sourceHosts.first?.hostName }
    /// `<domain>` blocks nested in the vmta, overriding the global ones for its queues only.
    public var domainBlocks: [DomainBlock]
    /// `domain-key` lines in the block, in file order: the DKIM keys its mail is signed with
    /// first (the top-level ones after).
    public var domainKeys: [DomainKey] = []
    /// `warmup-schedule NAME`: the `<warmup-schedule>` the vmta ramps up by, or nil.
    public var warmupSchedule: String?
    /// Where the block opens.
    public var location: SourceLocation

    /// Creates a vmta.
    public init(name: String, sourceHosts: [SourceHost] = [], domainBlocks: [DomainBlock] = [], location: SourceLocation) {
        self.name = name
        self.sourceHosts = sourceHosts
        self.domainBlocks = domainBlocks
        self.location = location
    }
}

/// One `smtp-source-host ADDRESS [HOSTNAME]` line of a `<virtual-mta>`.
public struct SourceHost: Hashable, Sendable {
    /// The local address connections bind to.
    public var address: IPAddress
    /// The host name announced in EHLO, when given.
    public var hostName: String?

    /// Creates a source host.
    public init(address: IPAddress, hostName: String? = nil) {
        self.address = address
        self.hostName = hostName
    }
}

/// A `<virtual-mta-pool NAME>` block: vmtas used in turn.
public struct VirtualMTAPool: Hashable, Sendable {
    /// The pool's name.
    public var name: String
    /// The member vmtas' names, in file order (the warm ones: `virtual-mta NAME`).
    public var members: [String]
    /// `cold-virtual-mta NAME` members, in file order: each takes at most its
    /// `max-cold-virtual-mta-msg` messages a day per destination domain from the pool.
    public var coldMembers: [String] = []
    /// Every member, warm ones first.
    public var allMembers: [String] { members + coldMembers }
    /// `<domain>` blocks nested in the pool: they apply to each member, under the member's own
    /// nested blocks (see ``ModelBuilder``).
    public var domainBlocks: [DomainBlock]
    /// Where the block opens.
    public var location: SourceLocation

    /// Creates a pool.
    public init(name: String, members: [String], coldMembers: [String] = [], domainBlocks: [DomainBlock] = [],
                location: SourceLocation) {
        self.name = name
        self.members = members
        self.coldMembers = coldMembers
        self.domainBlocks = domainBlocks
        self.location = location
    }
}
