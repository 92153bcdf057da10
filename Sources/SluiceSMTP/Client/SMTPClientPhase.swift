import SluiceConfig

/// What the delivery client waits for: each wait has its own limit and names itself in
/// ``SMTPClientError/timedOut(phase:)`` ("timeout waiting for RCPT TO reply").
public enum SMTPClientPhase: Hashable, Sendable, CustomStringConvertible {
    /// The peer's greeting after connecting.
    case greeting
    /// The reply to EHLO.
    case ehlo
    /// The reply to HELO (after EHLO was refused).
    case helo
    /// The reply to STARTTLS.
    case startTLS
    /// The TLS handshake after the peer's `220` to STARTTLS.
    case tlsHandshake
    /// The reply to RSET before a transaction.
    case reset
    /// The reply to MAIL FROM.
    case mail
    /// The reply to one RCPT TO.
    case rcpt
    /// The reply to DATA.
    case data
    /// The reply to the final dot.
    case endOfData
    /// The reply to QUIT.
    case quit

    /// The phase's name in diagnostics.
    public var description: String {
        switch self {
        case .greeting: return "greeting"
        case .ehlo: return "EHLO reply"
        case .helo: return "HELO reply"
        case .startTLS: return "STARTTLS reply"
        case .tlsHandshake: return "TLS handshake"
        case .reset: return "RSET reply"
        case .mail: return "MAIL FROM reply"
        case .rcpt: return "RCPT TO reply"
        case .data: return "DATA reply"
        case .endOfData: return "reply to end of data"
        case .quit: return "QUIT reply"
        }
    }

    /// The limit of this wait under `configuration`.
    func timeout(in configuration: SMTPClientConfiguration) -> TimeSpan {
        switch self {
        case .greeting: return configuration.greetingTimeout
        case .endOfData: return configuration.dataTimeout
        case .ehlo, .helo, .startTLS, .tlsHandshake, .reset, .mail, .rcpt, .data, .quit: return configuration.commandTimeout
        }
    }
}
