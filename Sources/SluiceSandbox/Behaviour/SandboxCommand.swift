import SluiceBase

/// An SMTP client event the sandbox answers, as the server layer hands it over after framing and
/// parsing (SluiceSandboxServer uses SluiceSMTP's framing and SluiceBase's command parser).
public enum SandboxCommand: Hashable, Sendable {
    /// EHLO (`extended`) or HELO with the client's name.
    case hello(String, extended: Bool)
    /// MAIL FROM with the reverse-path (without angle brackets; "" for the null sender).
    case mail(from: String)
    /// RCPT TO with the forward-path (without angle brackets).
    case recipient(String)
    /// DATA, before the content.
    case data
    /// The end of the content (the final `.`), with the content's size in bytes.
    case endOfData(size: Int)
    /// RSET.
    case reset
    /// NOOP.
    case noop
    /// QUIT.
    case quit
    /// Any other line (the line as sent, at most 64 characters, for the log).
    case unrecognized(String)
    /// A known command with bad syntax (a malformed address, an unknown parameter…), with the
    /// reply the parser gives for it.
    case malformed(SMTPReply)
}
