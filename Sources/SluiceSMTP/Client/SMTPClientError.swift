import SluiceBase

/// Why a delivery connection could not be used. ``diagnostic`` is the text for dsnDiag.
public enum SMTPClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The TCP connection could not be made (refused, unreachable, source address not local…).
    case connectFailed(String)
    /// No reply within the limit; the phase names what was awaited.
    case timedOut(phase: String)
    /// The peer's greeting was not 220.
    case greetingRefused(SMTPReply)
    /// The peer refused the session after its greeting (EHLO and HELO both refused).
    case refused(SMTPReply)
    /// TLS was required but the peer does not offer STARTTLS.
    case tlsUnavailable
    /// STARTTLS was refused or the handshake failed.
    case tlsFailed(String)
    /// The peer broke the protocol (an unparseable reply, an overlong line).
    case protocolError(String)
    /// The connection closed.
    case connectionLost(String)

    /// A one-line description for logs and dsnDiag.
    public var diagnostic: String {
        switch self {
        case .connectFailed(let why): return "connect failed: \(why)"
        case .timedOut(let phase): return "timeout waiting for \(phase)"
        case .refused(let reply), .greetingRefused(let reply): return reply.dsnDiag
        case .tlsUnavailable: return "STARTTLS required but not offered by the peer"
        case .tlsFailed(let why): return "STARTTLS failed: \(why)"
        case .protocolError(let why): return "protocol error: \(why)"
        case .connectionLost(let why): return "connection lost: \(why)"
        }
    }

    /// `diagnostic`.
    public var description: String { diagnostic }

    /// The reply standing for this error in per-recipient outcomes: the peer's own reply when
    /// there is one, else a local `451 4.4.x` (transient: try later or elsewhere).
    public var reply: SMTPReply {
        switch self {
        case .refused(let reply), .greetingRefused(let reply): return reply
        case .timedOut: return SMTPReply(451, "4.4.2", diagnostic)
        case .tlsUnavailable, .tlsFailed: return SMTPReply(451, "4.7.5", diagnostic)
        case .protocolError: return SMTPReply(451, "4.5.0", diagnostic)
        case .connectFailed: return SMTPReply(451, "4.4.1", diagnostic)
        case .connectionLost: return SMTPReply(451, "4.4.2", diagnostic)
        }
    }
}
