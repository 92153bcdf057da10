/// Splits configuration text into lines and each line into words (PowerMTA dialect).
///
/// - `\n`, `\r\n` and a lone `\r` each end a line, in any mix: see ``lines(of:)``.
/// - `#` outside a quoted string or a regex literal starts a comment that runs to the end of the line.
/// - `"…"` is a quoted string (`\"` and `\\` escapes); it may contain spaces and `#`.
/// - A word that starts with `/` and has a closing `/` on the same line is a regex literal: spaces
///   and `#` inside it do not split or comment (`reply /421 4\.7\.0/ mode=backoff`). Paths such as
///   `/var/log/pmta/acct.csv` lex the same either way.
/// - A line whose first character is `<` is a block tag: `<name arg…>` or `</name>`.
///
/// Pure: no I/O, diagnostics are returned.
struct Lexer {
    /// The file name used in locations.
    let file: String

    /// The lines of `text`: see ``TextLines/split(_:)``.
    static func lines(of text: String) -> [Substring] { TextLines.split(text) }

    /// Lexes one line of ``lines(of:)`` (so without any CR or LF). `number` is 1-based.
    func lex(line text: Substring, number: Int, into diagnostics: inout [Diagnostic]) -> LineSyntax {
        let chars = Array(text)
        var i = 0
        while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
        guard i < chars.count, chars[i] != "#" else { return .empty }
        if chars[i] == "<" { return lexTag(chars, start: i, number: number, into: &diagnostics) }
        var scanner = WordScanner(chars: chars, index: i, file: file, line: number, regexAware: true, stop: nil)
        let words = scanner.scan(into: &diagnostics)
        guard let name = words.first else { return .empty }
        return .directive(name: name, arguments: Array(words.dropFirst()))
    }

    private func lexTag(_ chars: [Character], start: Int, number: Int,
                        into diagnostics: inout [Diagnostic]) -> LineSyntax {
        let open = SourceLocation(file: file, line: number, column: start + 1)
        var i = start + 1
        let closing = i < chars.count && chars[i] == "/"
        if closing { i += 1 }
        var scanner = WordScanner(chars: chars, index: i, file: file, line: number, regexAware: false, stop: ">")
        let words = scanner.scan(into: &diagnostics)
        guard scanner.index < chars.count, chars[scanner.index] == ">" else {
            diagnostics.append(Diagnostic(.error, open, "block tag is missing its closing '>'"))
            return .empty
        }
        guard let name = words.first, !name.text.isEmpty else {
            diagnostics.append(Diagnostic(.error, open, "block tag has no name; expected e.g. <domain example.com>"))
            return .empty
        }
        var rest = scanner.index + 1
        while rest < chars.count, chars[rest] == " " || chars[rest] == "\t" { rest += 1 }
        if rest < chars.count, chars[rest] != "#" {
            diagnostics.append(Diagnostic(.error, SourceLocation(file: file, line: number, column: rest + 1),
                                          "unexpected text after '>'; write one directive or tag per line"))
        }
        let lowered = Word(text: name.text.lowercased(), location: name.location)
        if closing {
            if let extra = words.dropFirst().first {
                diagnostics.append(Diagnostic(.error, extra.location,
                                              "a closing tag takes no arguments; expected </\(lowered.text)>"))
            }
            return .close(name: lowered, start: open)
        }
        return .open(name: lowered, arguments: Array(words.dropFirst()), start: open)
    }
}

/// Reads words from one line of characters.
private struct WordScanner {
    let chars: [Character]
    var index: Int
    let file: String
    let line: Int
    /// Recognise `/…/` regex literals (not inside tags, where `>` must end the tag).
    let regexAware: Bool
    /// A character that ends the scan outside quotes (`>` in a tag).
    let stop: Character?

    /// Scans words until the end of the line, a comment, or `stop`; leaves `index` there.
    mutating func scan(into diagnostics: inout [Diagnostic]) -> [Word] {
        var words: [Word] = []
        while true {
            while index < chars.count, isSpace(chars[index]) { index += 1 }
            guard index < chars.count, chars[index] != "#", chars[index] != stop else { return words }
            let start = index
            var text = ""
            while index < chars.count, !isSpace(chars[index]), chars[index] != "#", chars[index] != stop {
                let c = chars[index]
                if c == "\"" {
                    guard let closed = readQuoted(into: &text) else {
                        diagnostics.append(Diagnostic(.error, location(index), "unterminated quoted string"))
                        index = chars.count
                        return words
                    }
                    index = closed
                } else if c == "/", regexAware, index == start, let end = regexEnd(from: index) {
                    text.append(contentsOf: chars[index..<end])
                    index = end
                } else {
                    text.append(c)
                    index += 1
                }
            }
            words.append(Word(text: text, location: location(start)))
        }
    }

    private func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" }

    private func location(_ i: Int) -> SourceLocation { SourceLocation(file: file, line: line, column: i + 1) }

    /// Appends the content of the quoted string at `index` to `text`; returns the index after the
    /// closing quote, or nil when the string is not closed on this line.
    private func readQuoted(into text: inout String) -> Int? {
        var i = index + 1
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, chars[i + 1] == "\"" || chars[i + 1] == "\\" {
                text.append(chars[i + 1])
                i += 2
            } else if c == "\"" {
                return i + 1
            } else {
                text.append(c)
                i += 1
            }
        }
        return nil
    }

    /// For a `/` at `from`, the index after the closing unescaped `/` (and any letter flags), or nil.
    private func regexEnd(from: Int) -> Int? {
        var i = from + 1
        while i < chars.count {
            if chars[i] == "\\" { i += 2; continue }
            if chars[i] == "/" {
                guard i > from + 1 else { return nil }
                var end = i + 1
                while end < chars.count, chars[end].isLetter { end += 1 }
                return end
            }
            i += 1
        }
        return nil
    }
}
