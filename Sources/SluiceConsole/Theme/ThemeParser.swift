import SluiceConfig

/// An error in a theme file, located at FILE:LINE.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file the theme came from.
    public var file: String
    /// The 1-based line.
    public var line: Int
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `FILE:LINE: error: MESSAGE`.
    public var description: String { "\(file):\(line): error: \(message)" }
}

extension Theme {
    /// Parses a theme file: one `role = FOREGROUND [BACKGROUND] [ATTRIBUTE…]` per line, `#` comments.
    ///
    /// Colours are `default` (or `-`), the ANSI names (`red`, `brightblue`, `gray`), `color0`…`color255`
    /// or `#rrggbb`; attributes are `bold dim reverse underline italic`. `file` names the source in errors.
    public static func parse(_ text: String, name: String, file: String) throws(ThemeError) -> Theme {
        var styles: [Role: Style] = [:]
        var lineNumber = 0
        for rawLine in TextLines.split(text) {
            lineNumber += 1
            let trimmed = withoutComment(rawLine).trimmingSpaces
            if trimmed.isEmpty { continue }
            let parts = trimmed.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw ThemeError(file: file, line: lineNumber, message: "expected 'role = colour [background] [attributes]', found '\(trimmed)'")
            }
            let roleName = parts[0].trimmingSpaces
            guard let role = Role(rawValue: roleName) else {
                let hint = nearestRole(to: roleName).map { " (did you mean '\($0)'?)" } ?? ""
                throw ThemeError(file: file, line: lineNumber, message: "unknown role '\(roleName)'\(hint)")
            }
            if styles[role] != nil {
                throw ThemeError(file: file, line: lineNumber, message: "role '\(roleName)' is defined twice")
            }
            var colours: [TerminalColor] = []
            var attributes: TextAttributes = []
            for word in parts[1].split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                if let a = TextAttributes.names[word.lowercased()] {
                    attributes.insert(a)
                } else if let c = TerminalColor(parsing: String(word)) {
                    guard colours.count < 2 else {
                        throw ThemeError(file: file, line: lineNumber, message: "more than two colours in '\(parts[1].trimmingSpaces)'")
                    }
                    colours.append(c)
                } else {
                    throw ThemeError(file: file, line: lineNumber,
                                     message: "'\(word)' is neither a colour (red, brightblue, color208, #ff8800, default) nor an attribute (bold, dim, reverse, underline, italic)")
                }
            }
            guard !colours.isEmpty || !attributes.isEmpty else {
                throw ThemeError(file: file, line: lineNumber, message: "role '\(roleName)' has no colour or attribute")
            }
            styles[role] = Style(colours.first ?? .default, colours.count > 1 ? colours[1] : .default, attributes)
        }
        return Theme(name: name, styles: styles)
    }

    /// The line without its comment: a `#` at the start of a word that is not a `#rrggbb` colour.
    private static func withoutComment(_ line: Substring) -> Substring {
        var i = line.startIndex
        var atWordStart = true
        while i < line.endIndex {
            let c = line[i]
            if c == "#", atWordStart {
                let word = line[i...].prefix { $0 != " " && $0 != "\t" }
                let isColour = word.count == 7 && word.dropFirst().allSatisfy(\.isHexDigit)
                if !isColour { return line[..<i] }
            }
            atWordStart = c == " " || c == "\t"
            i = line.index(after: i)
        }
        return line
    }

    private static func nearestRole(to name: String) -> String? {
        let candidates = Role.allCases.map(\.rawValue)
        return candidates.min(by: { editDistance($0, name) < editDistance($1, name) })
            .flatMap { editDistance($0, name) <= max(2, name.count / 3) ? $0 : nil }
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        var prev = Array(0...y.count)
        for i in 1...max(1, x.count) where !x.isEmpty {
            var cur = [i] + Array(repeating: 0, count: y.count)
            for j in 1...max(1, y.count) where !y.isEmpty {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return x.isEmpty ? y.count : prev[y.count]
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
