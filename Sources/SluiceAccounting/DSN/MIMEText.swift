import Foundation

/// Byte-level helpers for composing MIME messages with CRLF line endings and no line over 998
/// bytes (RFC 5322 §2.1.1). Pure.
enum MIMEText {
    static let crlf: [UInt8] = [0x0D, 0x0A]
    /// RFC 5322's hard limit on a line, CRLF excluded.
    static let maxLine = 998

    /// `text` on one line: CR, LF, tabs and other control characters become spaces.
    static func singleLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.value < 0x20 || $0.value == 0x7F ? " " : $0
        }))
    }

    /// `text` on one line in ASCII, each non-ASCII character written `\x{HEX}` (RFC 6533's
    /// embedded-unicode form for `message/delivery-status`).
    static func asciiEscaped(_ text: String) -> String {
        var out = ""
        for scalar in singleLine(text).unicodeScalars {
            if scalar.isASCII { out.unicodeScalars.append(scalar) } else {
                out += "\\x{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out
    }

    /// `Name: value` as folded lines, each ending in CRLF: broken before a space so that lines
    /// stay within `softLimit` bytes where the text allows, and split hard (continuing after a
    /// space) only where a run of 998 bytes has no space. The value is made single-line first.
    static func field(_ name: String, _ value: String, softLimit: Int = 78) -> [UInt8] {
        fold(Array("\(name): \(singleLine(value))".utf8), softLimit: softLimit, keep: name.utf8.count + 2)
    }

    /// One logical line folded as ``field(_:_:softLimit:)`` describes; the first `keep` bytes
    /// are never broken.
    static func fold(_ line: [UInt8], softLimit: Int, keep: Int = 1) -> [UInt8] {
        var out: [UInt8] = []
        var rest = line
        var lower = max(1, keep)
        while rest.count > softLimit {
            var cut: Int?
            if lower <= min(softLimit, rest.count - 1) {
                cut = rest[lower...min(softLimit, rest.count - 1)].lastIndex(of: 0x20)
            }
            if cut == nil, lower < min(maxLine, rest.count) {
                cut = rest[lower..<min(maxLine, rest.count)].firstIndex(of: 0x20)
            }
            if let cut {
                out += rest[..<cut] + crlf
                rest = Array(rest[cut...])
            } else {
                guard rest.count > maxLine else { break }
                let at = scalarBoundary(rest, before: maxLine - 1)
                out += rest[..<at] + crlf
                rest = [0x20] + rest[at...]
            }
            lower = 1
        }
        return out + rest + crlf
    }

    /// `line` in pieces of at most 998 bytes, split on UTF-8 character boundaries.
    static func splitLong(_ line: [UInt8]) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var rest = line[...]
        while rest.count > maxLine {
            let at = scalarBoundary(Array(rest), before: maxLine)
            pieces.append(Array(rest.prefix(at)))
            rest = rest.dropFirst(at)
        }
        pieces.append(Array(rest))
        return pieces
    }

    /// The lines of a stored message, without their LF or CRLF endings.
    static func lines(_ content: [UInt8]) -> [[UInt8]] {
        var lines = content.split(separator: 0x0A, omittingEmptySubsequences: false).map { line -> [UInt8] in
            line.last == 0x0D ? Array(line.dropLast()) : Array(line)
        }
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// The header lines of a stored message: those before the first empty line.
    static func headerLines(_ content: [UInt8]) -> [[UInt8]] {
        Array(lines(content).prefix { !$0.isEmpty })
    }

    /// `bytes` in base64, 76 characters a line, each ending in CRLF.
    static func base64Lines(_ bytes: [UInt8]) -> [UInt8] {
        let encoded = Array(Data(bytes).base64EncodedString().utf8)
        var out: [UInt8] = []
        var start = 0
        while start < encoded.count {
            out += encoded[start..<min(start + 76, encoded.count)] + crlf
            start += 76
        }
        return out
    }

    /// The largest index ≤ `limit` that does not fall inside a UTF-8 sequence (at least 1).
    private static func scalarBoundary(_ bytes: [UInt8], before limit: Int) -> Int {
        var at = min(limit, bytes.count)
        while at > 1, at < bytes.count, bytes[at] & 0xC0 == 0x80 { at -= 1 }
        return at
    }
}
