import SluiceBase

/// Assembles replies from the lines a server sends (RFC 5321 §4.2.1): `250-first`, `250-…`,
/// `250 last`. Feed one line at a time (without CRLF); a complete reply comes out of the last line.
public struct SMTPReplyParser: Sendable {
    /// A line that is not part of a well-formed reply.
    public struct MalformedReply: Error, Hashable, Sendable, CustomStringConvertible {
        /// The offending line (truncated to 200 characters).
        public var line: String
        /// What is wrong with it.
        public var reason: String
        /// `reason: "line"`.
        public var description: String { "\(reason): \"\(line)\"" }
    }

    /// The most lines one reply may have; more is treated as a malformed (hostile) reply.
    public var maximumLines: Int

    private var code: Int?
    private var texts: [String] = []

    /// Creates a parser.
    public init(maximumLines: Int = 1000) {
        self.maximumLines = maximumLines
    }

    /// True while a multiline reply has been started but not finished.
    public var isInsideReply: Bool { code != nil }

    /// Consumes one line; returns the reply when `line` completes one.
    ///
    /// - Throws: ``MalformedReply`` for a line without a valid code or separator, a continuation
    ///   line whose code differs from the first line's, or a reply longer than ``maximumLines``.
    public mutating func consume(line: String) throws(MalformedReply) -> SMTPReply? {
        let bytes = Array(line.utf8)
        func fail(_ reason: String) -> MalformedReply {
            code = nil
            texts = []
            return MalformedReply(line: String(line.prefix(200)), reason: reason)
        }
        guard bytes.count >= 3, bytes[0..<3].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              (0x32...0x35).contains(bytes[0]) else {
            throw fail("reply line without a 2xx-5xx code")
        }
        let lineCode = Int(bytes[0] - 0x30) * 100 + Int(bytes[1] - 0x30) * 10 + Int(bytes[2] - 0x30)
        let last: Bool
        if bytes.count == 3 || bytes[3] == 0x20 {
            last = true
        } else if bytes[3] == 0x2D {
            last = false
        } else {
            throw fail("reply code not followed by a space or a hyphen")
        }
        if let code, code != lineCode { throw fail("continuation line with a different code") }
        code = lineCode
        let text = bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : ""
        texts.append(text)
        guard texts.count <= maximumLines else { throw fail("reply longer than \(maximumLines) lines") }
        guard last else { return nil }
        let reply = SMTPReplyParser.assemble(code: lineCode, texts: texts)
        code = nil
        texts = []
        return reply
    }

    /// Builds a reply, lifting the enhanced status code off the lines when the first line has one
    /// whose class matches the reply code's (RFC 3463 §2).
    static func assemble(code: Int, texts: [String]) -> SMTPReply {
        guard let first = texts.first else { return SMTPReply(code: code, lines: [""]) }
        let candidate = first.prefix { $0 != " " }
        guard SMTPReply.isEnhancedStatusCode(candidate), candidate.first == Character(String(code / 100)) else {
            return SMTPReply(code: code, lines: texts)
        }
        let enhanced = String(candidate)
        let stripped = texts.map { text -> String in
            guard text.hasPrefix(enhanced) else { return text }
            let rest = text.dropFirst(enhanced.count)
            return String(rest.first == " " ? rest.dropFirst() : rest)
        }
        return SMTPReply(code: code, enhancedStatus: enhanced, lines: stripped)
    }
}
