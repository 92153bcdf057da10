import SluiceCore
import SluiceSMTP

extension SluiceSMTP.SMTPReply {
    /// The reply as the engine sees it; the text is the dsnDiag form (`550 5.1.1 no such user`).
    var engineReply: SluiceCore.SMTPReply {
        SluiceCore.SMTPReply(code: code, enhancedStatus: enhanced, text: dsnDiag)
    }
}

extension SMTPClientError {
    /// The engine's view of a connection that could not be opened: no answer (refused, timed
    /// out), a refusal with the peer's reply, or a broken connection.
    var connectionFailure: ConnectionFailure {
        switch self {
        case .refused(let reply), .greetingRefused(let reply): return .rejected(reply.engineReply)
        case .connectFailed, .timedOut: return .noAnswer(diagnostic)
        case .tlsUnavailable, .tlsFailed, .protocolError, .connectionLost: return .badConnection(diagnostic)
        }
    }
}
