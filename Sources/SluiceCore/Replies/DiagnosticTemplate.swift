import SluiceConfig

/// A remote reply (dsnDiag) reduced to its template: the parts that differ from one reply of the
/// same kind to the next — addresses, IP addresses, host names with numbers, message and
/// transaction ids, plain numbers, dates and times — are replaced by placeholders, so that
/// `421 4.7.0 [TSS04] Messages from 203.0.113.5 temporarily deferred` and the same reply for
/// another source address become one template. Reply codes, enhanced status codes (`4.7.28`)
/// and providers' short codes (`TSS04`, `S3140`, `BL21`) are kept: they name the problem.
///
/// Pure and deterministic; `normalise(normalise(x)) == normalise(x)`.
public enum DiagnosticTemplate {
    /// Placeholder of an email address.
    public static let address = TemplatePattern.address
    /// Placeholder of an IPv4 or IPv6 address.
    public static let ip = TemplatePattern.ip
    /// Placeholder of a host name that carries numbers (`mta1234.mail.gq1.yahoo.com`).
    public static let host = TemplatePattern.host
    /// Placeholder of an id (queue id, message id, transaction id, long hex or mixed token).
    public static let id = TemplatePattern.id
    /// Placeholder of a plain number.
    public static let number = TemplatePattern.number
    /// Placeholder of a date, a time or a timestamp.
    public static let time = TemplatePattern.time

    /// The longest template kept, in characters; longer replies are cut (with `…`).
    public static let maximumLength = 240

    /// The template of `reply`.
    ///
    /// Works on the UTF-8 bytes: every class the tokens are sorted into is ASCII (digits,
    /// letters, punctuation), and a byte of a multi-byte character is in none of them.
    public static func normalise(_ reply: String) -> String {
        var out = ""
        out.reserveCapacity(reply.utf8.count)
        var first: Substring?
        var index = 0
        let bytes = reply.utf8
        var position = bytes.startIndex
        while position < bytes.endIndex {
            guard !isSpace(bytes[position]) else {
                position = bytes.index(after: position)
                continue
            }
            var end = bytes.index(after: position)
            while end < bytes.endIndex, !isSpace(bytes[end]) { end = bytes.index(after: end) }
            let token = Substring(bytes[position..<end])
            position = end
            defer { index += 1 }
            if index == 0 {
                first = token
                out += replyCodeToken(token) ?? normaliseToken(token)
                continue
            }
            // Multi-line replies joined into one repeat the code prefix (`421-4.7.28`) per line.
            if token == first, replyCodeToken(token) != nil { continue }
            out += " "
            out += normaliseToken(token)
        }
        if out.utf8.count > maximumLength, out.count > maximumLength { out = String(out.prefix(maximumLength - 1)) + "…" }
        return out
    }

    /// Space, tab, CR or LF: what separates tokens.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 32 || byte == 9 || byte == 13 || byte == 10
    }

    /// The first token when it is a reply code, `421`, `421-4.7.28` or `421-`, kept as written.
    private static func replyCodeToken(_ token: Substring) -> String? {
        let bytes = token.utf8
        guard bytes.count >= 3, bytes.prefix(3).allSatisfy(isDigit) else { return nil }
        let rest = bytes.dropFirst(3)
        if rest.isEmpty { return String(token) }
        guard rest.first == UInt8(ascii: "-") else { return nil }
        let enhanced = rest.dropFirst()
        return enhanced.isEmpty || isStatusCode(Substring(enhanced)) ? String(token) : nil
    }

    /// Punctuation stripped from both ends of a token before it is classified, and put back after.
    private static func isWrapping(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "!"), UInt8(ascii: "?"),
             UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    /// One whitespace-separated token, its wrapping punctuation kept.
    static func normaliseToken(_ token: Substring) -> String {
        let bytes = token.utf8
        // Most tokens are words: without a digit, `@` or `=` nothing in them is replaced.
        guard bytes.contains(where: { isDigit($0) || $0 == 64 || $0 == 61 }) else { return String(token) }
        if isURL(token) { return String(token) }
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, isWrapping(bytes[start]) { start = bytes.index(after: start) }
        // A trailing colon belongs to the text (`refused:`, `<a@b>:`), not to an IPv6 address.
        while end > start {
            let beforeEnd = bytes.index(before: end)
            let last = bytes[beforeEnd]
            let textColon = last == UInt8(ascii: ":") && bytes[start..<beforeEnd].contains { !isHexDigit($0) && $0 != UInt8(ascii: ":") }
            guard isWrapping(last) || textColon else { break }
            end = beforeEnd
        }
        guard start < end else { return String(token) }
        return String(Substring(bytes[..<start])) + classify(Substring(bytes[start..<end])) + String(Substring(bytes[end...]))
    }

    /// True when `token` has `://` (a URL, kept whole).
    private static func isURL(_ token: Substring) -> Bool {
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in token.utf8 {
            if previous == (58, 47), byte == 47 { return true }
            previous = (previous.1, byte)
        }
        return false
    }

    /// The placeholder or the kept text of a token without its wrapping punctuation.
    static func classify(_ core: Substring) -> String {
        let bytes = core.utf8
        if bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") { return String(core) }
        if bytes.contains(UInt8(ascii: "@")) { return address }
        // key=value (`[MxId=11BB…]`): the key stays, the value is classified.
        if let eq = bytes.firstIndex(of: UInt8(ascii: "=")), eq != bytes.startIndex {
            let value = Substring(bytes[bytes.index(after: eq)...])
            return String(Substring(bytes[...eq])) + (value.isEmpty ? "" : classify(value))
        }
        guard bytes.contains(where: isDigit) else { return String(core) }
        if isStatusCode(core) || isShortCode(core) { return String(core) }
        if bytes.allSatisfy(isDigit) { return number }
        if isIPv4(core) { return ip }
        if let colon = bytes.lastIndex(of: UInt8(ascii: ":")), isIPv4(Substring(bytes[..<colon])),
           bytes[bytes.index(after: colon)...].allSatisfy(isDigit) {
            return ip + ":" + number
        }
        if isTime(core) { return time }
        if isIPv6(core) { return ip }
        if isHostName(core) { return host }
        if isNumberWithUnit(core) { return number + String(Substring(bytes.drop(while: { isDigit($0) || $0 == UInt8(ascii: ".") }))) }
        return id
    }

    /// `4.7.28`, `5.1.1`: class 2, 4 or 5, then a subject and a detail of 1–3 digits.
    static func isStatusCode(_ s: Substring) -> Bool {
        let parts = s.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 1, let c = parts[0].first,
              c == UInt8(ascii: "2") || c == UInt8(ascii: "4") || c == UInt8(ascii: "5") else { return false }
        return parts.dropFirst().allSatisfy { (1...3).contains($0.count) && $0.allSatisfy(isDigit) }
    }

    /// A provider's short code: 1–6 letters then 1–5 digits (`TSS04`, `S3140`, `BL21`).
    static func isShortCode(_ s: Substring) -> Bool {
        let letters = s.utf8.prefix(while: isLetter)
        let digits = s.utf8.dropFirst(letters.count)
        return (1...6).contains(letters.count) && (1...5).contains(digits.count) && digits.allSatisfy(isDigit)
    }

    static func isIPv4(_ s: Substring) -> Bool {
        let parts = s.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { (1...3).contains($0.count) && $0.allSatisfy(isDigit) }
    }

    static func isIPv6(_ s: Substring) -> Bool {
        var colons = 0
        for byte in s.utf8 {
            if byte == UInt8(ascii: ":") { colons += 1 } else if !isHexDigit(byte) && byte != UInt8(ascii: ".") { return false }
        }
        return colons >= 2
    }

    /// Dates and times: `05:12:34`, `2026-12-06`, `2026-12-06T05:12:34.567Z`, `06/12/2026`.
    static func isTime(_ s: Substring) -> Bool {
        var hasSeparator = false
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "/"): hasSeparator = true
            case UInt8(ascii: "."), UInt8(ascii: "T"), UInt8(ascii: "Z"), UInt8(ascii: "+"): break
            default: if !isDigit(byte) { return false }
            }
        }
        let groups = s.utf8.split(whereSeparator: { !isDigit($0) })
        return hasSeparator && groups.count >= 2 && groups.allSatisfy { $0.count <= 4 }
    }

    /// A dotted name whose last label is letters (`mta7.am0.yahoodns.net`).
    static func isHostName(_ s: Substring) -> Bool {
        let labels = s.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2, let tld = labels.last, tld.count >= 2, tld.allSatisfy(isLetter) else { return false }
        return labels.allSatisfy { !$0.isEmpty && $0.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "-") } }
    }

    /// `30s`, `10MB`, `1.5h`: digits then a short unit.
    static func isNumberWithUnit(_ s: Substring) -> Bool {
        let digits = s.utf8.prefix { isDigit($0) || $0 == UInt8(ascii: ".") }
        let unit = s.utf8.dropFirst(digits.count)
        return !digits.isEmpty && digits.first != UInt8(ascii: ".") && (1...3).contains(unit.count) && unit.allSatisfy(isLetter)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }
    private static func isLetter(_ byte: UInt8) -> Bool { (65...90).contains(byte) || (97...122).contains(byte) }
    private static func isHexDigit(_ byte: UInt8) -> Bool { isDigit(byte) || (65...70).contains(byte) || (97...102).contains(byte) }
}
