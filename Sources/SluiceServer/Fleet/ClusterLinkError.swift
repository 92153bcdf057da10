import SluiceCore
import SluiceRedis

/// Why a command through a ``ClusterLink`` failed.
public enum ClusterLinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Redis is unreachable (or was too slow) since the instant; commands fail fast until the link
    /// reconnects.
    case degraded(since: Instant)
    /// Redis answered with an error reply (a script's error, a wrong type): the link is still up.
    case server(String)
    /// A reply of a shape the caller did not expect.
    case unexpectedReply(String)
    /// The link has been stopped.
    case stopped

    public var description: String {
        switch self {
        case .degraded(let since): "fleet: redis unreachable since \(since.timeOfDayUTC)"
        case .server(let message): "fleet: redis error: \(message)"
        case .unexpectedReply(let detail): "fleet: unexpected redis reply: \(detail)"
        case .stopped: "fleet: the cluster link is stopped"
        }
    }
}
