import SluiceBase

/// The values a reply template may mention: `{ip}`, `{host}`, `{sender}`, `{rcpt}`, `{domain}`
/// (the recipient's domain) and `{id}` (a deterministic transaction id).
public struct ReplyContext: Hashable, Sendable {
    /// The client's source IP.
    public var ip: String
    /// The receiver's host name.
    public var host: String
    /// The envelope sender of the current transaction, or "".
    public var sender: String
    /// The recipient being answered, or "".
    public var recipient: String
    /// A transaction id, stable under the seed.
    public var id: String

    /// Creates a context.
    public init(ip: String, host: String, sender: String = "", recipient: String = "", id: String = "") {
        self.ip = ip
        self.host = host
        self.sender = sender
        self.recipient = recipient
        self.id = id
    }
}

/// A reply written in a profile, e.g. `"421 4.7.0 [{ip}] … try again later"`, parsed once into its
/// code, enhanced status and text pieces.
public struct ReplyTemplate: Hashable, Sendable, CustomStringConvertible {
    /// A piece of reply text: literal text or a placeholder.
    enum Piece: Hashable, Sendable {
        case literal(String)
        case ip, host, sender, recipient, domain, id
    }

    /// The reply code.
    public let code: Int
    /// The enhanced status code, if the template has one.
    public let enhancedStatus: String?
    let pieces: [Piece]
    /// The text as written (after the codes).
    public let text: String

    /// The longest reply text accepted, leaving room in the 512-octet line for the codes and
    /// the placeholders' values.
    public static let maximumTextLength = 420

    static let placeholders: [String: Piece] = [
        "ip": .ip, "host": .host, "sender": .sender, "rcpt": .recipient, "domain": .domain, "id": .id,
    ]

    /// Parses `CODE [X.Y.Z] text` with `{placeholders}`.
    ///
    /// - Throws: a message and the index in `source` of the offending character.
    init(parsing source: String) throws(ReplyTemplateError) {
        let chars = Array(source)
        guard chars.count >= 3, chars[0...2].allSatisfy(\.isASCIIDigit),
              let code = Int(String(chars[0...2])), (200...599).contains(code),
              chars.count == 3 || chars[3] == " " else {
            throw ReplyTemplateError(index: 0, message: "expected a reply starting with a code from 200 to 599, such as \"421 4.7.0 try again later\"")
        }
        var i = min(4, chars.count)
        var enhanced: String?
        var end = i
        while end < chars.count, chars[end] != " " { end += 1 }
        let word = String(chars[i..<end])
        if word.first?.isASCIIDigit == true && word.contains(".") {
            let parts = word.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, parts.allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy(\.isASCIIDigit) }),
                  parts[0].count == 1 else {
                throw ReplyTemplateError(index: i, message: "expected an enhanced status code such as 4.7.0, found '\(word)'")
            }
            guard Int(parts[0]) == code / 100 else {
                throw ReplyTemplateError(index: i, message: "enhanced status \(word) does not match the class of reply code \(code)")
            }
            enhanced = word
            i = min(end + 1, chars.count)
        }
        guard chars.count - i <= ReplyTemplate.maximumTextLength else {
            throw ReplyTemplateError(index: i + ReplyTemplate.maximumTextLength,
                                     message: "reply text longer than \(ReplyTemplate.maximumTextLength) characters (an SMTP reply line is at most 512 octets)")
        }
        if let control = chars[i...].firstIndex(where: { $0.asciiValue.map { $0 < 32 && $0 != 9 } ?? false }) {
            throw ReplyTemplateError(index: control, message: "control character in reply text")
        }
        var pieces: [Piece] = []
        var literal = ""
        var j = i
        while j < chars.count {
            if chars[j] == "{" {
                guard let close = chars[j...].firstIndex(of: "}") else {
                    throw ReplyTemplateError(index: j, message: "unterminated placeholder: missing '}'")
                }
                let name = String(chars[(j + 1)..<close])
                guard let piece = ReplyTemplate.placeholders[name] else {
                    let known = ReplyTemplate.placeholders.keys.sorted().map { "{\($0)}" }.joined(separator: ", ")
                    throw ReplyTemplateError(index: j, message: "unknown placeholder '{\(name)}'; known: \(known)")
                }
                if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
                pieces.append(piece)
                j = close + 1
                continue
            }
            literal.append(chars[j]); j += 1
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        self.code = code
        self.enhancedStatus = enhanced
        self.pieces = pieces
        self.text = String(chars[i...])
    }

    /// A template of literal text only (no placeholders are interpreted).
    init(code: Int, enhancedStatus: String?, literal text: String) {
        self.code = code
        self.enhancedStatus = enhancedStatus
        self.pieces = text.isEmpty ? [] : [.literal(text)]
        self.text = text
    }

    /// Fills in the placeholders.
    public func render(_ context: ReplyContext) -> SMTPReply {
        var out = ""
        for piece in pieces {
            switch piece {
            case .literal(let s): out += s
            case .ip: out += context.ip
            case .host: out += context.host
            case .sender: out += context.sender
            case .recipient: out += context.recipient
            case .domain: out += domainOf(context.recipient)
            case .id: out += context.id
            }
        }
        return SMTPReply(code, enhancedStatus, out)
    }

    /// The template as written: `421 4.7.0 text`.
    public var description: String {
        [String(code), enhancedStatus, text.isEmpty ? nil : text].compactMap { $0 }.joined(separator: " ")
    }
}

/// A reply template that does not parse: the index of the offending character and why.
struct ReplyTemplateError: Error {
    var index: Int
    var message: String
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
