import SluiceCore

/// Whether a ``ClusterLink`` can reach Redis.
public enum ClusterLinkState: Sendable, Hashable, CustomStringConvertible {
    /// Connected: shared state is read and written through Redis.
    case connected
    /// Redis is unreachable (or was too slow) since the instant: the node runs on its local share.
    case degraded(since: Instant)

    /// True while connected.
    public var isConnected: Bool { self == .connected }

    /// `connected`, or `degraded since 12:04:31Z`.
    public var description: String {
        switch self {
        case .connected: "connected"
        case .degraded(let since): "degraded since \(since.timeOfDayUTC)"
        }
    }
}

/// What a ``ClusterLink`` tells its observers (``ClusterLink/observe()``).
public enum ClusterLinkEvent: Sendable, Hashable {
    /// The link (re)connected: the node is registered again and subscriptions are re-established.
    /// Owners of shared state resynchronise now (reload the suppression set, re-read fleet actions,
    /// take shared throttles up again).
    case reconnected
    /// Redis became unreachable or too slow; the reason.
    case degraded(since: Instant, reason: String)
    /// The count of live nodes (this one included) changed.
    case liveNodes(Int)
}
