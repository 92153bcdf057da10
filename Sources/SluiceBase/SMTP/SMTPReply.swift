/// One SMTP reply (RFC 5321 §4.2): a three-digit code, an optional RFC 3463 enhanced status code
/// and one or more text lines. The one reply type of the package: the injection server and the
/// sandbox send it (``wireText``), the delivery client parses it, and the engine and accounting
/// keep its one-line form (``dsnDiag``). It is an `Error` so that a refusal can travel as the
/// failure of a `Result`.
public struct SMTPReply: Error, Hashable, Sendable, CustomStringConvertible {
    /// The three-digit reply code, 200…599; 0 for a reply that never came (a connection that
    /// failed, a timeout), whose text is then the node's own diagnostic.
    public let code: Int
    /// The enhanced status code such as `5.1.1`, taken from the first line, or nil.
    public let enhancedStatus: String?
    /// The text of each line, without the code, the enhanced status code and the separator.
    public let lines: [String]
    /// The whole reply on one line, PowerMTA's dsnDiag as accounting records and the engine keep
    /// it: `550 5.1.1 No such user here`, every line of a multiline reply joined with a space.
    public let dsnDiag: String

    /// Creates a reply from its lines. An empty list is sent as one empty line.
    public init(code: Int, enhancedStatus: String? = nil, lines: [String]) {
        self.init(code: code, enhancedStatus: enhancedStatus, lines: lines,
                  dsnDiag: SMTPReply.oneLine(code: code, enhancedStatus: enhancedStatus, lines: lines))
    }

    /// Creates a one-line reply: `SMTPReply(550, "5.1.1", "No such user here")`.
    public init(_ code: Int, _ enhancedStatus: String?, _ text: String) {
        self.init(code: code, enhancedStatus: enhancedStatus, lines: [text])
    }

    /// A reply that never came: code 0, no enhanced status, `diagnostic` as its text (e.g.
    /// `no answer from host: connection refused`).
    public init(diagnostic: String) {
        self.init(code: 0, enhancedStatus: nil, lines: [diagnostic], dsnDiag: diagnostic)
    }

    /// Reads a reply in its one-line form, such as `550 5.1.1 <a@b>: user unknown` or
    /// `421-4.7.0 …`: the code is the leading three digits (without them, the whole line is a
    /// code-0 diagnostic), the enhanced status the token after it when it has the form
    /// `class.subject.detail`. ``dsnDiag`` is `line` exactly as given.
    public init(_ line: String) {
        let head = Array(line.utf8.prefix(3))
        guard head.count == 3, head.allSatisfy({ (48...57).contains($0) }) else {
            self.init(diagnostic: line)
            return
        }
        let code = head.reduce(0) { $0 * 10 + Int($1 - 48) }
        guard code > 0 else {
            self.init(diagnostic: line)
            return
        }
        let rest = line.dropFirst(3).drop(while: { $0 == " " || $0 == "-" })
        let token = rest.prefix(while: { $0 != " " && $0 != ";" && $0 != "," })
        var status: String?
        var text = rest
        if SMTPReply.isEnhancedStatusCode(token) {
            status = String(token)
            text = rest.dropFirst(token.count)
            if text.first == " " { text = text.dropFirst() }
        }
        self.init(code: code, enhancedStatus: status, lines: [String(text)], dsnDiag: line)
    }

    private init(code: Int, enhancedStatus: String?, lines: [String], dsnDiag: String) {
        self.code = code
        self.enhancedStatus = enhancedStatus
        self.lines = lines
        self.dsnDiag = dsnDiag
    }

    /// The same reply, text and all, read with another enhanced status (as
    /// `smtp-553-means-invalid-mailbox` reads a bare 553 as 5.1.1); ``dsnDiag`` stays as received.
    public func withEnhancedStatus(_ status: String?) -> SMTPReply {
        SMTPReply(code: code, enhancedStatus: status, lines: lines, dsnDiag: dsnDiag)
    }

    /// The class of a reply.
    public enum Severity: Sendable, Hashable {
        /// 2xx: done (a recipient is delivered).
        case positiveCompletion
        /// 3xx: go on (354 after DATA).
        case positiveIntermediate
        /// 4xx, or no usable code: try again later.
        case transientFailure
        /// 5xx: do not try again (a recipient bounces).
        case permanentFailure
    }

    /// The class from the first digit; codes outside 200…599 (0 for no reply) count as transient
    /// failures.
    public var severity: Severity {
        switch code {
        case 200..<300: return .positiveCompletion
        case 300..<400: return .positiveIntermediate
        case 500..<600: return .permanentFailure
        default: return .transientFailure
        }
    }

    /// The reply as sent on the wire: `250-a\r\n250 b\r\n`. The enhanced code, when present, is
    /// repeated on every line as RFC 2034 asks. CR, LF and NUL inside a line's text are sent as
    /// spaces, so that no text (such as a receiver's refusal) can forge further reply lines.
    public var wireText: String {
        // Built as bytes: a reply goes out for every command the server reads.
        var out: [UInt8] = []
        out.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 16 } + 16)
        let code = Array(String(self.code).utf8)
        let lastIndex = max(lines.count, 1) - 1
        for index in 0...lastIndex {
            out.append(contentsOf: code)
            out.append(index == lastIndex ? 32 : 45)  // " " on the last line, "-" before
            let line = lines.isEmpty ? "" : lines[index]
            if let enhancedStatus {
                out.append(contentsOf: enhancedStatus.utf8)
                if !line.isEmpty { out.append(32) }
            }
            for byte in line.utf8 { out.append(byte == 13 || byte == 10 || byte == 0 ? 32 : byte) }
            out.append(13)
            out.append(10)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// ``dsnDiag``.
    public var description: String { dsnDiag }

    /// True when `text` has the shape of an RFC 3463 enhanced status code: `class.subject.detail`
    /// with class 2, 4 or 5, subject and detail of one to three digits.
    public static func isEnhancedStatusCode(_ text: Substring) -> Bool {
        // class "." subject "." detail: class one of 2, 4, 5; subject and detail 1–3 digits.
        var part = 0
        var digits = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "."):
                guard digits > 0, part < 2 else { return false }
                part += 1
                digits = 0
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if part == 0 {
                    guard digits == 0, byte == UInt8(ascii: "2") || byte == UInt8(ascii: "4") || byte == UInt8(ascii: "5")
                    else { return false }
                }
                digits += 1
                guard digits <= 3 else { return false }
            default:
                return false
            }
        }
        return part == 2 && digits > 0
    }

    /// `code enhanced line line…`, empty lines left out; without the code when it is 0.
    private static func oneLine(code: Int, enhancedStatus: String?, lines: [String]) -> String {
        var text = code == 0 ? "" : "\(code)"
        func append(_ part: String) { text += text.isEmpty ? part : " \(part)" }
        if let enhancedStatus { append(enhancedStatus) }
        for line in lines where !line.isEmpty { append(line) }
        return text
    }
}
