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
    /// The member vmtas' names, in file order.
    public var members: [String]
    /// `<domain>` blocks nested in the pool: they apply to each member, under the member's own
    /// nested blocks (see ``ModelBuilder``).
    public var domainBlocks: [DomainBlock]
    /// Where the block opens.
    public var location: SourceLocation

    /// Creates a pool.
    public init(name: String, members: [String], domainBlocks: [DomainBlock] = [], location: SourceLocation) {
        self.name = name
        self.members = members
        self.domainBlocks = domainBlocks
        self.location = location
    }
}
