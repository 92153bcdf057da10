/// A `<virtual-mta NAME>` block: a sending identity (source address and host name) with its own
/// per-domain overrides.
public struct VirtualMTA: Hashable, Sendable {
    /// The vmta's name, the second half of queue names (`gmail.com/NAME`).
    public var name: String
    /// `smtp-source-host ADDRESS HOSTNAME`: the local address deliveries bind to.
    public var sourceAddress: IPAddress?
    /// The host name announced in EHLO (the second word of `smtp-source-host`).
    public var sourceHostName: String?
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
    public init(name: String, sourceAddress: IPAddress? = nil, sourceHostName: String? = nil,
                domainBlocks: [DomainBlock] = [], location: SourceLocation) {
        self.name = name
        self.sourceAddress = sourceAddress
        self.sourceHostName = sourceHostName
        self.domainBlocks = domainBlocks
        self.location = location
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
