/// Where the engine's `<domain>` throttles (max-msg-rate, max-msg-per-hour, max-msg-per-day,
/// max-smtp-out) are kept.
public enum FleetThrottling: Hashable, Sendable, CustomStringConvertible {
    /// In process, per node: the default, and the only mode without a `<cluster>` block.
    case local
    /// Fleet-wide through a shared store: the engine sends only on message grants and opens
    /// connections only on connection leases it holds, asking the I/O layer for more
    /// (``EngineAction/requestGrants(_:)``, ``EngineAction/acquireLease(_:)``).
    case shared
    /// The shared store is unreachable: each limit divided by the last known count of live nodes
    /// (at least 1 for a connection limit or a cap), applied in process.
    case fallback(liveNodes: Int)

    /// `local`, `shared`, `fallback 1/3`.
    public var description: String {
        switch self {
        case .local: "local"
        case .shared: "shared"
        case .fallback(let nodes): "fallback 1/\(nodes)"
        }
    }
}
