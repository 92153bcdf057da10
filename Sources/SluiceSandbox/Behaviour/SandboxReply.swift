/// An SMTP reply as the sandbox sends it: a three-digit code, an optional RFC 3463 enhanced status
/// code and one or more lines of text.
public struct SandboxReply: Hashable, Sendable, CustomStringConvertible {
    /// The reply code, e.g. 421.
    public var code: Int
    /// The enhanced status code, e.g. `4.7.0`, or nil (greeting and EHLO replies carry none).
    public var enhancedStatus: String?
    /// The text lines after the code (and enhanced code); at least one, possibly empty.
    public var lines: [String]

    /// Creates a reply.
    public init(code: Int, enhancedStatus: String? = nil, lines: [String]) {
        self.code = code
        self.enhancedStatus = enhancedStatus
        self.lines = lines.isEmpty ? [""] : lines
    }

    /// Creates a one-line reply.
    public init(code: Int, enhancedStatus: String? = nil, text: String) {
        self.init(code: code, enhancedStatus: enhancedStatus, lines: [text])
    }

    /// True for 4xx.
    public var isTransient: Bool { (400..<500).contains(code) }
    /// True for 5xx.
    public var isPermanent: Bool { (500..<600).contains(code) }
    /// True when the server closes the connection after sending it (421, RFC 5321 §3.8 and 221).
    public var closesConnection: Bool { code == 421 || code == 221 }

    /// The reply as sent on the wire, each line ending in CRLF: `250-first`, …, `250 last`, with the
    /// enhanced code repeated on every line as RFC 2034 asks.
    public var wireText: String {
        var out = ""
        for (i, line) in lines.enumerated() {
            out += "\(code)\(i == lines.count - 1 ? " " : "-")"
            if let enhancedStatus { out += enhancedStatus + (line.isEmpty ? "" : " ") }
            out += line + "\r\n"
        }
        return out
    }

    /// The reply on one line, as a log or an accounting `dsnDiag` shows it:
    /// `421 4.7.0 text` (lines joined by a space).
    public var description: String {
        var out = String(code)
        if let enhancedStatus { out += " " + enhancedStatus }
        let text = lines.joined(separator: " ")
        return text.isEmpty ? out : out + " " + text
    }
}
