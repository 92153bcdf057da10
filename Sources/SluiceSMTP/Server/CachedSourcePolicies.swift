import SluiceConfig
import Synchronization

/// Another provider's policies, remembered by client address: the `<source>` blocks are matched
/// once per address rather than once per connection (senders inject from few addresses, and a
/// connection per message is common). At most ``capacity`` addresses are kept; when that many
/// are, the table starts afresh.
public final class CachedSourcePolicies: SourcePolicyProvider {
    /// How many addresses are remembered at most.
    public static let capacity = 4096

    private let provider: any SourcePolicyProvider
    private let known = Mutex<[IPAddress: SourcePolicy]>([:])

    /// Remembers what `provider` answers (it must answer the same for the same address).
    public init(_ provider: any SourcePolicyProvider) {
        self.provider = provider
    }

    /// `provider`'s policy for `clientAddress`.
    public func policy(for clientAddress: IPAddress) -> SourcePolicy {
        if let policy = known.withLock({ $0[clientAddress] }) { return policy }
        let policy = provider.policy(for: clientAddress)
        known.withLock { table in
            if table.count >= Self.capacity { table.removeAll(keepingCapacity: true) }
            table[clientAddress] = policy
        }
        return policy
    }
}
