import SluiceConfig
import SluiceBase

/// Why the sandbox refused something, for logs and the per-receiver statistics.
public enum SandboxReason: String, Hashable, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// Beyond the per-source-IP rate limit.
    case rateLimit = "rate-limit"
    /// A scripted incident was active.
    case incident
    /// A greylisted first attempt (or a retry that came too soon).
    case greylist
    /// The mailbox is full.
    case mailboxFull = "mailbox-full"
    /// The mailbox does not exist.
    case unknownUser = "unknown-user"
    /// Refused for policy reasons.
    case policy
    /// The client broke the protocol (bad sequence, unknown command).
    case protocolError = "protocol"

    /// The reason's name as logs print it.
    public var description: String { rawValue }

    public static func < (a: SandboxReason, b: SandboxReason) -> Bool { a.rawValue < b.rawValue }
}

/// What a reply meant for the statistics.
public enum SandboxOutcome: Hashable, Sendable {
    /// A message was accepted (end of DATA answered 250).
    case accepted
    /// Refused with a 4xx.
    case deferred(SandboxReason)
    /// Refused with a 5xx.
    case rejected(SandboxReason)
}

/// What the server layer must do in answer to an event: wait `delay`, send `reply`, then close the
/// connection if `close` is set.
public struct SandboxAction: Hashable, Sendable, CustomStringConvertible {
    /// The reply to send.
    public var reply: SMTPReply
    /// How long to wait before sending it (slow replies); zero for none.
    public var delay: TimeSpan
    /// True when the server closes the connection after the reply.
    public var close: Bool
    /// The refusal or acceptance this reply records, if any.
    public var outcome: SandboxOutcome?

    /// Creates an action; `close` defaults to what the reply code implies (421, 221).
    public init(reply: SMTPReply, delay: TimeSpan = .init(milliseconds: 0), close: Bool? = nil, outcome: SandboxOutcome? = nil) {
        self.reply = reply
        self.delay = delay
        self.close = close ?? reply.closesConnection
        self.outcome = outcome
    }

    /// `+200ms 421 4.7.0 text [close]`, one line for transcripts and logs.
    public var description: String {
        (delay.milliseconds > 0 ? "+\(delay) " : "") + reply.description + (close ? " [close]" : "")
    }
}
