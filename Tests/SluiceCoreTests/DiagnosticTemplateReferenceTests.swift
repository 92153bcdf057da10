import SluiceBase
import Testing
@testable import SluiceCore

/// The normaliser as first written, on Characters: the byte-level one must give the same
/// template for every reply without CR LF (which the Character version took as one character and
/// so did not split on).
enum CharacterTemplateReference {
    static let address = DiagnosticTemplate.address, ip = DiagnosticTemplate.ip, host = DiagnosticTemplate.host
    static let id = DiagnosticTemplate.id, number = DiagnosticTemplate.number, time = DiagnosticTemplate.time
    static let maximumLength = DiagnosticTemplate.maximumLength

    /// The template of `reply`.
    static func normalise(_ reply: String) -> String {
        var out: [String] = []
        var first: Substring?
        for (index, token) in reply.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }).enumerated() {
            if index == 0 {
                first = token
                out.append(replyCodeToken(token) ?? normaliseToken(token))
                continue
            }
            // Multi-line replies joined into one repeat the code prefix (`421-4.7.28`) per line.
            if token == first, replyCodeToken(token) != nil { continue }
            out.append(normaliseToken(token))
        }
        var joined = out.joined(separator: " ")
        if joined.count > maximumLength { joined = String(joined.prefix(maximumLength - 1)) + "…" }
        return joined
    }

    /// The first token when it is a reply code, `421`, `421-4.7.28` or `421-`, kept as written.
    private static func replyCodeToken(_ token: Substring) -> String? {
        let code = token.prefix(3)
        guard code.count == 3, code.allSatisfy(\.isASCIIDigit) else { return nil }
        let rest = token.dropFirst(3)
        if rest.isEmpty { return String(token) }
        guard rest.first == "-" else { return nil }
        let enhanced = rest.dropFirst()
        return enhanced.isEmpty || isStatusCode(enhanced) ? String(token) : nil
    }

    /// Punctuation stripped from both ends of a token before it is classified, and put back after.
    private static func isWrapping(_ c: Character) -> Bool {
        "<>[]()'\",;!?".contains(c) || c == "."
    }

    /// One whitespace-separated token, its wrapping punctuation kept.
    static func normaliseToken(_ token: Substring) -> String {
        // Most tokens are words: without a digit, `@` or `=` nothing in them is replaced.
        guard token.utf8.contains(where: { (48...57).contains($0) || $0 == 64 || $0 == 61 }) else { return String(token) }
        if isURL(token) { return String(token) }
        var start = token.startIndex, end = token.endIndex
        while start < end, isWrapping(token[start]) { start = token.index(after: start) }
        // A trailing colon belongs to the text (`refused:`, `<a@b>:`), not to an IPv6 address.
        while end > start {
            let last = token[token.index(before: end)]
            let textColon = last == ":" && token[start..<token.index(before: end)].contains { !$0.isHexDigit && $0 != ":" }
            guard isWrapping(last) || textColon else { break }
            end = token.index(before: end)
        }
        let core = token[start..<end]
        guard !core.isEmpty else { return String(token) }
        return String(token[token.startIndex..<start]) + classify(core) + String(token[end...])
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
        if core.hasPrefix("{"), core.hasSuffix("}") { return String(core) }
        if core.contains("@") { return address }
        // key=value (`[MxId=11BB…]`): the key stays, the value is classified.
        if let eq = core.firstIndex(of: "="), eq != core.startIndex {
            let value = core[core.index(after: eq)...]
            return String(core[...eq]) + (value.isEmpty ? "" : classify(value))
        }
        guard core.contains(where: \.isASCIIDigit) else { return String(core) }
        if isStatusCode(core) || isShortCode(core) { return String(core) }
        if core.allSatisfy(\.isASCIIDigit) { return number }
        if isIPv4(core) { return ip }
        if let colon = core.lastIndex(of: ":"), isIPv4(core[..<colon]),
           core[core.index(after: colon)...].allSatisfy(\.isASCIIDigit) {
            return ip + ":" + number
        }
        if isTime(core) { return time }
        if isIPv6(core) { return ip }
        if isHostName(core) { return host }
        if isNumberWithUnit(core) { return number + core.drop(while: { $0.isASCIIDigit || $0 == "." }) }
        return id
    }

    /// `4.7.28`, `5.1.1`: class 2, 4 or 5, then a subject and a detail of 1–3 digits.
    static func isStatusCode(_ s: Substring) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let c = parts[0].first, parts[0].count == 1, "245".contains(c) else { return false }
        return parts.dropFirst().allSatisfy { (1...3).contains($0.count) && $0.allSatisfy(\.isASCIIDigit) }
    }

    /// A provider's short code: 1–6 letters then 1–5 digits (`TSS04`, `S3140`, `BL21`).
    static func isShortCode(_ s: Substring) -> Bool {
        let letters = s.prefix { $0.isASCIILetter }
        let digits = s.dropFirst(letters.count)
        return (1...6).contains(letters.count) && (1...5).contains(digits.count) && digits.allSatisfy(\.isASCIIDigit)
    }

    static func isIPv4(_ s: Substring) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { (1...3).contains($0.count) && $0.allSatisfy(\.isASCIIDigit) }
    }

    static func isIPv6(_ s: Substring) -> Bool {
        s.filter { $0 == ":" }.count >= 2 && s.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }

    /// Dates and times: `05:12:34`, `2026-12-06`, `2026-12-06T05:12:34.567Z`, `06/12/2026`.
    static func isTime(_ s: Substring) -> Bool {
        let separators: Set<Character> = [":", "-", "/", ".", "T", "Z", "+"]
        guard s.allSatisfy({ $0.isASCIIDigit || separators.contains($0) }) else { return false }
        let groups = s.split(whereSeparator: { !$0.isASCIIDigit })
        let hasSeparator = s.contains(":") || s.contains("-") || s.contains("/")
        return hasSeparator && groups.count >= 2 && groups.allSatisfy { $0.count <= 4 }
    }

    /// A dotted name whose last label is letters (`mta7.am0.yahoodns.net`).
    static func isHostName(_ s: Substring) -> Bool {
        let labels = s.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let tld = labels.last, tld.count >= 2, tld.allSatisfy(\.isASCIILetter) else { return false }
        return labels.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "-" } }
    }

    /// `30s`, `10MB`, `1.5h`: digits then a short unit.
    static func isNumberWithUnit(_ s: Substring) -> Bool {
        let digits = s.prefix { $0.isASCIIDigit || $0 == "." }
        let unit = s.dropFirst(digits.count)
        return !digits.isEmpty && digits.first != "." && (1...3).contains(unit.count) && unit.allSatisfy(\.isASCIILetter)
    }
}
private extension Character {
    var isASCIIDigit: Bool { asciiValue.map { (48...57).contains($0) } ?? false }
    var isASCIILetter: Bool { asciiValue.map { (65...90).contains($0) || (97...122).contains($0) } ?? false }
}


@Suite("Reply templates on bytes against the Character version")
struct DiagnosticTemplateReferenceTests {
    static let words = [
        "421", "421-4.7.28", "550", "5.7.1", "4.16.55.1;", "[TSS04]", "(S3140).", "[203.0.113.5]", "203.0.113.5:25",
        "<kim@example.org>:", "MxId=11BB12345678ABCD]", "https://postmaster.live.com", "2026-12-06T05:12:34.567Z",
        "05:12:34", "::ffff:192.0.2.1", "fe80::1", "mta1234.mail.gq1.yahoo.com", "30s", "1.5h", "10240KB", "a=", "=b",
        "deferred", "Messages", "from", "{ip}", "{n}", "(", ")", ".", "..", "\"quoted\"", "über", "münchen.de", "4XyZ1b2C3d",
        "x:", "12:", "abc:def", "1.", ".5", "99999999999", "a@b", "@", "key=1.2.3.4", "日本", "é1", "[", "]:", "<>",
    ]

    @Test("random replies from real and awkward words give the same template both ways")
    func sameTemplates() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            let count = Int(random.next() % 12) + 1
            var reply = ""
            for i in 0..<count {
                if i > 0 { reply += ["  ", " ", "\t", " "][Int(random.next() % 4)] }
                reply += Self.words[Int(random.next() % UInt64(Self.words.count))]
            }
            #expect(DiagnosticTemplate.normalise(reply) == CharacterTemplateReference.normalise(reply), "\(reply)")
        }
    }

    @Test("long replies are cut at the same place")
    func cutAlike() {
        let reply = "550 5.7.1 " + String(repeating: "wörd 12 ", count: 60)
        #expect(DiagnosticTemplate.normalise(reply) == CharacterTemplateReference.normalise(reply))
    }
}
