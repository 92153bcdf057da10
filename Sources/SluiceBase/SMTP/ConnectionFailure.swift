import SluiceConfig

/// Why a connection could not be used: the I/O layer's report, turned into a deferral.
public enum ConnectionFailure: Hashable, Sendable, CustomStringConvertible {
    /// No answer: connect refused or timed out, greeting timed out (category no-answer-from-host).
    case noAnswer(String)
    /// The connection broke: reset, TLS failure, a reply timeout mid-transaction (bad-connection).
    case badConnection(String)
    /// The server refused the session with a reply (e.g. a `421 4.7.0` greeting).
    case rejected(SMTPReply)

    /// The reply recorded for the deferral (dsnDiag).
    public var reply: SMTPReply {
        switch self {
        case .noAnswer(let why): return SMTPReply(diagnostic: "no answer from host: \(why)")
        case .badConnection(let why): return SMTPReply(diagnostic: "bad connection: \(why)")
        case .rejected(let reply): return reply
        }
    }

    /// The bounce category the failure belongs to, when the failure itself decides it.
    public var category: BounceCategory? {
        switch self {
        case .noAnswer: return .noAnswerFromHost
        case .badConnection: return .badConnection
        case .rejected: return nil
        }
    }

    /// The reply text.
    public var description: String { reply.dsnDiag }
}
