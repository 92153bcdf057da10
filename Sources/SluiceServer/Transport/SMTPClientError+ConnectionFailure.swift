import SluiceCore
import SluiceSMTP

extension SMTPClientError {
    /// The engine's view of a connection that could not be opened: no answer (refused, timed
    /// out), a refusal with the peer's reply, or a broken connection.
    public var connectionFailure: ConnectionFailure {
        switch self {
        case .refused(let reply), .greetingRefused(let reply): return .rejected(reply)
        case .connectFailed, .timedOut: return .noAnswer(diagnostic)
        case .tlsUnavailable, .tlsFailed, .protocolError, .connectionLost: return .badConnection(diagnostic)
        }
    }
}
