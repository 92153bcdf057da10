/// An SMTP client event the sandbox answers, as the server layer hands it over after framing.
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
    /// Any other line (the verb as sent, for the 500 reply and the log).
    case unrecognized(String)

    /// Parses one command line (without CRLF) as a client sends it: `EHLO name`,
    /// `MAIL FROM:<a@b> SIZE=123`, `RCPT TO:<c@d>`, `DATA`, `RSET`, `NOOP`, `QUIT`. Content lines
    /// and the final `.` are the server's framing job and never come through here.
    public init(line: String) {
        let trimmed = line.trimming([" ", "\t", "\r", "\n", "\r\n"])
        let verbEnd = trimmed.firstIndex(where: { $0 == " " || $0 == ":" }) ?? trimmed.endIndex
        let verb = trimmed[..<verbEnd].uppercased()
        let rest = trimmed[verbEnd...].trimming([" "])
        switch verb {
        case "EHLO", "HELO":
            self = .hello(rest, extended: verb == "EHLO")
        case "MAIL" where rest.uppercased().hasPrefix("FROM:"):
            self = .mail(from: SandboxCommand.path(rest.dropFirst(5)))
        case "RCPT" where rest.uppercased().hasPrefix("TO:"):
            self = .recipient(SandboxCommand.path(rest.dropFirst(3)))
        case "DATA" where rest.isEmpty: self = .data
        case "RSET": self = .reset
        case "NOOP": self = .noop
        case "QUIT": self = .quit
        default: self = .unrecognized(String(trimmed.prefix(64)))
        }
    }

    /// The address inside `<…>` (ESMTP parameters after it dropped), or the first word.
    private static func path(_ text: Substring) -> String {
        let text = text.trimming([" "])
        if text.hasPrefix("<"), let close = text.firstIndex(of: ">") {
            return String(text[text.index(after: text.startIndex)..<close])
        }
        return String(text.split(separator: " ").first ?? "")
    }
}
