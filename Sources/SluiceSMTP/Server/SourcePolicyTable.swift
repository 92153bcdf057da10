import SluiceConfig

/// The `<source>` blocks in file order: the first whose address block contains the client wins,
/// and a client no block matches gets ``fallback``.
public struct SourcePolicyTable: SourcePolicyProvider {
    /// The blocks in order.
    public var entries: [(block: CIDR, policy: SourcePolicy)]
    /// The policy for a client no block matches.
    public var fallback: SourcePolicy

    /// Creates a table.
    public init(entries: [(block: CIDR, policy: SourcePolicy)], fallback: SourcePolicy = SourcePolicy()) {
        self.entries = entries
        self.fallback = fallback
    }

    /// The first matching block's policy, or ``fallback``.
    public func policy(for clientAddress: IPAddress) -> SourcePolicy {
        entries.first { $0.block.contains(clientAddress) }?.policy ?? fallback
    }
}
