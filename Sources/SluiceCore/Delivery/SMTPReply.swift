import SluiceConfig

/// A remote server's reply as the delivery client received it: the code, the RFC 3463 enhanced
/// status when present, and the full text (PowerMTA's dsnDiag).
public struct SMTPReply: Hashable, Sendable, CustomStringConvertible {
    /// The three-digit reply code, or 0 when the reply had none.
    public var code: Int
    /// The enhanced status code such as `4.7.0`, when the reply carried one.
    public var enhancedStatus: String?
    /// The whole reply, e.g. `421 4.7.0 Try again later` (multi-line replies joined by a space).
    public var text: String

    /// Creates a reply from its parts.
    public init(code: Int, enhancedStatus: String? = nil, text: String) {
        self.code = code
        self.enhancedStatus = enhancedStatus
        self.text = text
    }

    /// Parses a reply line such as `550 5.1.1 <a@b>: user unknown` or `421-4.7.0 …`: the code is the
    /// leading three digits (0 when absent) and the enhanced status the token after it when it has
    /// the form `class.subject.detail`.
    public init(_ line: String) {
        text = line
        enhancedStatus = nil
        let head = Array(line.utf8.prefix(3))
        var code = 0
        if head.count == 3, head.allSatisfy({ (48...57).contains($0) }) {
            code = head.reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        self.code = code
        guard code > 0 else { return }
        let rest = line.dropFirst(3).drop(while: { $0 == " " || $0 == "-" })
        let token = rest.prefix(while: { $0 != " " && $0 != ";" && $0 != "," })
        if SMTPReply.isEnhancedStatus(token) { enhancedStatus = String(token) }
    }

    /// How the reply ends a recipient's attempt.
    public enum Disposition: Hashable, Sendable {
        /// 2xx: delivered.
        case success
        /// 4xx (or no usable code): try again later.
        case transient
        /// 5xx: bounce.
        case permanent
    }

    /// 2xx success, 5xx permanent, anything else transient.
    public var disposition: Disposition {
        switch code {
        case 200..<300: return .success
        case 500..<600: return .permanent
        default: return .transient
        }
    }

    /// The reply text.
    public var description: String { text }

    static func isEnhancedStatus(_ token: Substring) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 1, let first = parts[0].first, "245".contains(first) else { return false }
        return parts[1...].allSatisfy { (1...3).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}

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
        case .noAnswer(let why): return SMTPReply(code: 0, text: "no answer from host: \(why)")
        case .badConnection(let why): return SMTPReply(code: 0, text: "bad connection: \(why)")
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
    public var description: String { reply.text }
}
