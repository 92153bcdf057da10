/// One SMTP command (RFC 5321 §4.1.1 and the extensions Sluice speaks).
public enum SMTPCommand: Hashable, Sendable {
    /// `HELO domain`.
    case helo(String)
    /// `EHLO domain`.
    case ehlo(String)
    /// `MAIL FROM:<reverse-path> params`; the path is empty for the null sender `<>`.
    case mail(from: String, parameters: MailParameters)
    /// `RCPT TO:<forward-path> params`.
    case rcpt(to: String, parameters: RecipientParameters)
    /// `DATA`.
    case data
    /// `RSET`.
    case rset
    /// `NOOP`.
    case noop
    /// `QUIT`.
    case quit
    /// `VRFY string`.
    case vrfy(String)
    /// `HELP [topic]`.
    case help(String?)
    /// `STARTTLS` (RFC 3207).
    case startTLS
    /// `AUTH mechanism [initial-response]` (RFC 4954); the mechanism is uppercased.
    case auth(mechanism: String, initialResponse: String?)

    /// The command as sent on the wire, with CRLF.
    public var wireText: String {
        switch self {
        case .helo(let domain): return "HELO \(domain)\r\n"
        case .ehlo(let domain): return "EHLO \(domain)\r\n"
        case .mail(let from, let parameters): return "MAIL FROM:<\(from)>\(parameters.wireText)\r\n"
        case .rcpt(let to, let parameters): return "RCPT TO:<\(to)>\(parameters.wireText)\r\n"
        case .data: return "DATA\r\n"
        case .rset: return "RSET\r\n"
        case .noop: return "NOOP\r\n"
        case .quit: return "QUIT\r\n"
        case .vrfy(let text): return "VRFY \(text)\r\n"
        case .help(let topic): return topic.map { "HELP \($0)\r\n" } ?? "HELP\r\n"
        case .startTLS: return "STARTTLS\r\n"
        case .auth(let mechanism, let initial):
            return initial.map { "AUTH \(mechanism) \($0)\r\n" } ?? "AUTH \(mechanism)\r\n"
        }
    }
}

/// Parses command lines into ``SMTPCommand``s, or into the reply a server sends for a bad one.
public enum SMTPCommandParser {
    /// Parses one command line (without its line ending).
    ///
    /// Verbs are case-insensitive. Unknown verbs get `500 5.5.1`, bad syntax `501`, unknown
    /// MAIL/RCPT parameters `555 5.5.4`. A line holding a NUL or another control character is a
    /// syntax error.
    public static func parse(_ line: String) -> Result<SMTPCommand, SMTPReply> {
        if line.utf8.contains(where: { $0 < 0x20 && $0 != 0x09 || $0 == 0x7F }) {
            return .failure(SMTPReply(500, "5.5.2", "Syntax error: control characters in command"))
        }
        let trimmed = line.drop { $0 == " " }
        let verbEnd = trimmed.firstIndex(of: " ") ?? trimmed.endIndex
        let verb = trimmed[..<verbEnd].uppercased()
        let argument = String(trimmed[verbEnd...].drop { $0 == " " })
            .trimmingTrailingSpaces()
        switch verb {
        case "HELO", "EHLO":
            guard !argument.isEmpty, !argument.utf8.contains(UInt8(ascii: " ")) else {
                return .failure(SMTPReply(501, "5.5.4", "Syntax: \(verb) hostname"))
            }
            return .success(verb == "HELO" ? .helo(argument) : .ehlo(argument))
        case "MAIL":
            return parseMail(argument)
        case "RCPT":
            return parseRcpt(argument)
        case "DATA", "RSET", "QUIT", "STARTTLS":
            guard argument.isEmpty else {
                return .failure(SMTPReply(501, "5.5.4", "Syntax: \(verb) takes no arguments"))
            }
            switch verb {
            case "DATA": return .success(.data)
            case "RSET": return .success(.rset)
            case "QUIT": return .success(.quit)
            default: return .success(.startTLS)
            }
        case "NOOP":
            return .success(.noop)
        case "VRFY":
            guard !argument.isEmpty else { return .failure(SMTPReply(501, "5.5.4", "Syntax: VRFY address")) }
            return .success(.vrfy(argument))
        case "HELP":
            return .success(.help(argument.isEmpty ? nil : argument))
        case "AUTH":
            let parts = argument.split(separator: " ")
            guard (1...2).contains(parts.count) else {
                return .failure(SMTPReply(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]"))
            }
            return .success(.auth(mechanism: parts[0].uppercased(), initialResponse: parts.count == 2 ? String(parts[1]) : nil))
        default:
            return .failure(SMTPReply(500, "5.5.1", "Command unrecognized"))
        }
    }

    private static func parseMail(_ argument: String) -> Result<SMTPCommand, SMTPReply> {
        guard let rest = stripKeyword("FROM:", from: argument), let (path, params) = splitPath(rest) else {
            return .failure(SMTPReply(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]"))
        }
        guard let sender = mailbox(inPath: path, allowEmpty: true) else {
            return .failure(SMTPReply(501, "5.1.7", "Bad sender address syntax"))
        }
        var parameters = MailParameters()
        for (key, value) in params {
            switch key {
            case "SIZE":
                guard let value, let n = Int(value), n >= 0, value.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                    return .failure(SMTPReply(501, "5.5.4", "Bad SIZE parameter"))
                }
                parameters.size = n
            case "BODY":
                guard let body = value.flatMap({ MailParameters.BodyType(rawValue: $0.uppercased()) }) else {
                    return .failure(SMTPReply(501, "5.5.4", "Bad BODY parameter"))
                }
                parameters.body = body
            case "RET":
                guard let ret = value.flatMap({ MailParameters.ReturnContent(rawValue: $0.uppercased()) }) else {
                    return .failure(SMTPReply(501, "5.5.4", "Bad RET parameter"))
                }
                parameters.ret = ret
            case "ENVID":
                guard let value, isXText(value), value.utf8.count <= 100 else {
                    return .failure(SMTPReply(501, "5.5.4", "Bad ENVID parameter"))
                }
                parameters.envelopeID = value
            case "AUTH":
                guard let value, isXText(value) else {
                    return .failure(SMTPReply(501, "5.5.4", "Bad AUTH parameter"))
                }
                parameters.auth = value
            case "XVERP":
                // Postfix's form takes optional delimiters (XVERP=+=); Sluice's VERP format is
                // fixed (VERPAddress), so any value is accepted and ignored.
                parameters.verp = true
            default:
                return .failure(SMTPReply(555, "5.5.4", "MAIL FROM parameter \(key) not recognized"))
            }
        }
        return .success(.mail(from: sender, parameters: parameters))
    }

    private static func parseRcpt(_ argument: String) -> Result<SMTPCommand, SMTPReply> {
        guard let rest = stripKeyword("TO:", from: argument), let (path, params) = splitPath(rest) else {
            return .failure(SMTPReply(501, "5.5.4", "Syntax: RCPT TO:<address> [parameters]"))
        }
        guard let recipient = mailbox(inPath: path, allowEmpty: false) else {
            return .failure(SMTPReply(501, "5.1.3", "Bad recipient address syntax"))
        }
        var parameters = RecipientParameters()
        for (key, value) in params {
            switch key {
            case "NOTIFY":
                guard let value else { return .failure(SMTPReply(501, "5.5.4", "Bad NOTIFY parameter")) }
                let words = value.uppercased().split(separator: ",", omittingEmptySubsequences: false)
                if words == ["NEVER"] {
                    parameters.notify = []
                } else {
                    var set = Set<RecipientParameters.NotifyCondition>()
                    for word in words {
                        guard let condition = RecipientParameters.NotifyCondition(rawValue: String(word)) else {
                            return .failure(SMTPReply(501, "5.5.4", "Bad NOTIFY parameter"))
                        }
                        set.insert(condition)
                    }
                    parameters.notify = set
                }
            case "ORCPT":
                guard let value, let semicolon = value.firstIndex(of: ";"), semicolon != value.startIndex,
                      isXText(value), value.utf8.count <= 500 else {
                    return .failure(SMTPReply(501, "5.5.4", "Bad ORCPT parameter"))
                }
                parameters.originalRecipient = value
            default:
                return .failure(SMTPReply(555, "5.5.4", "RCPT TO parameter \(key) not recognized"))
            }
        }
        return .success(.rcpt(to: recipient, parameters: parameters))
    }

    /// `FROM:` / `TO:` case-insensitively, then optional spaces (tolerated, as most servers do).
    private static func stripKeyword(_ keyword: String, from argument: String) -> Substring? {
        guard let rest = ASCIICase.dropPrefix(keyword.utf8, from: argument.utf8[...]) else { return nil }
        return Substring(rest).drop { $0 == " " }
    }

    /// Splits `<path> K=V K2=V2` into the text inside the brackets and the uppercased parameters.
    private static func splitPath(_ text: Substring) -> (String, [(String, String?)])? {
        guard text.first == "<" else { return nil }
        var inQuotes = false
        var escaped = false
        var close: Substring.Index?
        // On bytes: the delimiters are ASCII, and no byte of a longer UTF-8 sequence is ASCII.
        let bytes = text.utf8
        var index = bytes.index(after: bytes.startIndex)
        while index < bytes.endIndex {
            let c = bytes[index]
            if escaped {
                escaped = false
            } else if c == UInt8(ascii: "\\") && inQuotes {
                escaped = true
            } else if c == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if c == UInt8(ascii: ">") && !inQuotes {
                close = index
                break
            }
            index = bytes.index(after: index)
        }
        guard let close else { return nil }
        let path = String(text[text.index(after: text.startIndex)..<close])
        let after = text[text.index(after: close)...]
        guard after.isEmpty || after.first == " " else { return nil }
        var params: [(String, String?)] = []
        for word in after.split(separator: " ") {
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0].uppercased()
            guard !key.isEmpty, key.utf8.allSatisfy({ isASCIIAlphanumeric($0) || $0 == UInt8(ascii: "-") }),
                  !params.contains(where: { $0.0 == key }) else { return nil }
            params.append((key, parts.count == 2 ? String(parts[1]) : nil))
        }
        return (path, params)
    }

    /// The mailbox in a path, without an RFC 5321 source route (`@a,@b:`); nil when it is not a
    /// plausible `local@domain` (or `postmaster`, or empty where allowed).
    private static func mailbox(inPath path: String, allowEmpty: Bool) -> String? {
        var path = Substring(path)
        if path.isEmpty { return allowEmpty ? "" : nil }
        if path.first == "@" {
            guard let colon = path.firstIndex(of: ":") else { return nil }
            path = path[path.index(after: colon)...]
        }
        // ASCII from the space up only: the checks below look at bytes.
        guard path.utf8.count <= 320, path.utf8.allSatisfy({ (0x20...0x7F).contains($0) }) else {
            return nil
        }
        if !allowEmpty, ASCIICase.equal(path.utf8, "postmaster".utf8) { return String(path) }
        guard let at = path.lastIndex(of: "@") else { return nil }
        let local = path[..<at], domain = path[path.index(after: at)...]
        guard !local.isEmpty, local.utf8.count <= 64 || local.first == "\"", isDomain(domain) else { return nil }
        if local.first == "\"" {
            guard local.count >= 2, local.last == "\"" else { return nil }
        } else {
            let dot = UInt8(ascii: ".")
            guard !local.utf8.contains(where: isSpecial), local.utf8.first != dot, local.utf8.last != dot,
                  !zip(local.utf8, local.utf8.dropFirst()).contains(where: { $0 == dot && $1 == dot }) else { return nil }
        }
        return String(path)
    }

    /// A host name (letters, digits, hyphens, dots) or an address literal `[…]`.
    private static func isDomain(_ text: Substring) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 255 else { return false }
        if text.first == "[" { return text.last == "]" && text.count > 2 }
        // Label by label on the bytes, without splitting into an array.
        let hyphen = UInt8(ascii: "-")
        var length = 0
        var previous: UInt8 = UInt8(ascii: ".")
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard length > 0, previous != hyphen else { return false }
                length = 0
            } else {
                guard isASCIIAlphanumeric(byte) || byte == hyphen || byte == UInt8(ascii: "_"),
                      length > 0 || byte != hyphen, length < 63 else { return false }
                length += 1
            }
            previous = byte
        }
        return length > 0 && previous != hyphen
    }


    /// RFC 3461 xtext: printable ASCII except `+` and `=` unless `+` starts a hex pair.
    private static func isXText(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return false }
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "+") {
                guard i + 2 < bytes.count, isHex(bytes[i + 1]), isHex(bytes[i + 2]) else { return false }
                i += 3
                continue
            }
            guard b >= 0x21, b <= 0x7E, b != UInt8(ascii: "=") else { return false }
            i += 1
        }
        return true
    }

    /// The specials of RFC 5321 §4.1.2 that an unquoted local part cannot hold, and the space.
    private static func isSpecial(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "@"), UInt8(ascii: "\\"), UInt8(ascii: ","), UInt8(ascii: "\""),
             UInt8(ascii: " "):
            return true
        default:
            return false
        }
    }

    private static func isASCIIAlphanumeric(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
    }

    private static func isHex(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x46).contains(b) || (0x61...0x66).contains(b)
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
