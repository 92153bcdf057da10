import SluiceConfig

/// One word or quoted string on a profile line, with the column where it starts.
struct ProfileToken: Hashable, Sendable {
    /// The text, with quotes removed and escapes resolved for quoted strings.
    var text: String
    /// The 1-based column of the token's first character (the opening quote for strings).
    var column: Int
    /// True for a `"…"` string.
    var quoted: Bool
    /// For quoted strings, the source column of each character of `text` (escapes map to the
    /// backslash), so that errors inside a reply can point at the exact character.
    var characterColumns: [Int] = []
}

/// One meaningful line of a profile: a directive, a block opening `<name args>` or a closing `</name>`.
struct ProfileLine: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        case directive
        case open
        case close
    }

    /// What kind of line this is.
    var kind: Kind
    /// The directive or block name.
    var name: ProfileToken
    /// The arguments after the name (inside the angle brackets for a block opening).
    var arguments: [ProfileToken]
    /// The 1-based line number.
    var line: Int
}

/// Splits a profile's text into lines of tokens: one directive per line, `#` comments outside
/// quotes, `"…"` strings with `\"` and `\\` escapes, blocks `<name args>` … `</name>`.
struct ProfileLexer {
    let file: String

    func lines(of text: String) throws(ProfileError) -> [ProfileLine] {
        var out: [ProfileLine] = []
        var number = 0
        for raw in TextLines.split(text) {
            number += 1
            if let line = try lex(Array(raw), line: number) { out.append(line) }
        }
        return out
    }

    private func lex(_ chars: [Character], line: Int) throws(ProfileError) -> ProfileLine? {
        var tokens: [ProfileToken] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" { i += 1; continue }
            if c == "#" { break }
            if c == "\"" {
                tokens.append(try quoted(chars, from: &i, line: line))
                continue
            }
            let start = i
            var word = ""
            while i < chars.count, chars[i] != " ", chars[i] != "\t", chars[i] != "\"" {
                if chars[i] == "#" { break }
                word.append(chars[i]); i += 1
            }
            tokens.append(ProfileToken(text: word, column: start + 1, quoted: false))
        }
        guard let first = tokens.first else { return nil }
        guard !first.quoted, first.text.hasPrefix("<") else {
            if first.quoted { throw error(line, first.column, "expected a directive name, found a quoted string") }
            return ProfileLine(kind: .directive, name: first, arguments: Array(tokens.dropFirst()), line: line)
        }
        return try block(tokens, line: line)
    }

    private func block(_ tokens: [ProfileToken], line: Int) throws(ProfileError) -> ProfileLine {
        var tokens = tokens
        let open = tokens[0]
        guard var last = tokens.last, !last.quoted, last.text.hasSuffix(">") else {
            let end = tokens[tokens.count - 1]
            throw error(line, end.column + (end.quoted ? 2 : 0) + end.text.count, "expected '>' to end the block tag")
        }
        last.text.removeLast()
        if last.text.isEmpty { tokens.removeLast() } else { tokens[tokens.count - 1] = last }
        var name = tokens[0]
        name.text.removeFirst()
        let closing = name.text.hasPrefix("/")
        if closing { name.text.removeFirst() }
        if name.text.isEmpty {
            throw error(line, open.column + 1, "expected a block name after '<'")
        }
        name.column = open.column + (closing ? 2 : 1)
        let arguments = Array(tokens.dropFirst())
        if closing, let extra = arguments.first {
            throw error(line, extra.column, "a closing tag takes no arguments")
        }
        return ProfileLine(kind: closing ? .close : .open, name: name, arguments: arguments, line: line)
    }

    private func quoted(_ chars: [Character], from i: inout Int, line: Int) throws(ProfileError) -> ProfileToken {
        let start = i
        i += 1
        var text = ""
        var columns: [Int] = []
        while i < chars.count {
            let c = chars[i]
            if c == "\"" {
                i += 1
                return ProfileToken(text: text, column: start + 1, quoted: true, characterColumns: columns)
            }
            if c == "\\" {
                guard i + 1 < chars.count, chars[i + 1] == "\"" || chars[i + 1] == "\\" else {
                    throw error(line, i + 1, "unknown escape in a string: only \\\" and \\\\ are allowed")
                }
                text.append(chars[i + 1]); columns.append(i + 1); i += 2
                continue
            }
            text.append(c); columns.append(i + 1); i += 1
        }
        throw error(line, start + 1, "unterminated string: missing closing '\"'")
    }

    private func error(_ line: Int, _ column: Int, _ message: String) -> ProfileError {
        ProfileError(SourceLocation(file: file, line: line, column: column), message)
    }
}
