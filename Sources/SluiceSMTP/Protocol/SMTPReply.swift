/// One SMTP reply (RFC 5321 §4.2): a three-digit code, an optional RFC 3463 enhanced status
/// code and one or more text lines. Used both for the replies the server sends and for the
/// replies the delivery client receives; ``dsnDiag`` is the form kept in accounting records.
/// It is an `Error` so that a refusal can travel as the failure of a `Result`.
public struct SMTPReply: Error, Hashable, Sendable, CustomStringConvertible {
    /// The three-digit reply code, 200…599.
    public var code: Int
    /// The enhanced status code such as `5.7.1`, taken from the first line, or nil.
    public var enhanced: String?
    /// The text of each line, without the code, the enhanced code and the separator.
    public var lines: [String]

    /// Creates a reply. `lines` must not be empty to be sent; an empty list is sent as one empty line.
    public init(code: Int, enhanced: String? = nil, lines: [String]) {
        self.code = code
        self.enhanced = enhanced
        self.lines = lines
    }

    /// Creates a one-line reply.
    public init(_ code: Int, _ enhanced: String?, _ text: String) {
        self.init(code: code, enhanced: enhanced, lines: [text])
    }

    /// The class of the reply.
    public enum Severity: Sendable, Hashable {
        /// 2xx.
        case positiveCompletion
        /// 3xx.
        case positiveIntermediate
        /// 4xx: try again later.
        case transientFailure
        /// 5xx: do not try again.
        case permanentFailure
    }

    /// The class from the first digit (codes outside 200…599 count as permanent failures).
    public var severity: Severity {
        switch code / 100 {
        case 2: return .positiveCompletion
        case 3: return .positiveIntermediate
        case 4: return .transientFailure
        default: return .permanentFailure
        }
    }

    /// The full reply as one line, e.g. `550 5.1.1 No such user here` — every line of a multiline
    /// reply joined with a space, each with its code stripped; this is the accounting record's dsnDiag.
    public var dsnDiag: String {
        var text = "\(code)"
        if let enhanced { text += " \(enhanced)" }
        for line in lines where !line.isEmpty { text += " \(line)" }
        return text
    }

    /// The reply as sent on the wire: `250-a\r\n250 b\r\n`. The enhanced code, when present, is
    /// repeated on every line as RFC 2034 asks. CR, LF and NUL inside a line's text are sent as
    /// spaces, so that no text (such as a receiver's refusal) can forge further reply lines.
    public var wireText: String {
        let body = lines.isEmpty ? [""] : lines.map { line in
            String(line.unicodeScalars.map { $0 == "\r" || $0 == "\n" || $0 == "\0" ? " " : Character($0) })
        }
        var out = ""
        for (i, line) in body.enumerated() {
            let separator = i == body.count - 1 ? " " : "-"
            out += "\(code)\(separator)"
            if let enhanced { out += "\(enhanced) " }
            out += "\(line)\r\n"
        }
        return out
    }

    /// `dsnDiag`.
    public var description: String { dsnDiag }

    /// True when `text` has the shape of an RFC 3463 enhanced status code: `class.subject.detail`
    /// with class 2, 4 or 5, subject 0…999 and detail 0…999.
    public static func isEnhancedStatusCode(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, ["2", "4", "5"].contains(parts[0]) else { return false }
        return parts[1...].allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCIIDigit) }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
