import SluiceConfig

/// A cursor over one line's arguments that turns every problem into a `FILE:LINE:COL` error.
struct ProfileArguments {
    let line: ProfileLine
    let file: String
    private(set) var index = 0

    init(_ line: ProfileLine, file: String) {
        self.line = line
        self.file = file
    }

    var isAtEnd: Bool { index >= line.arguments.count }

    /// The column just after the last token, where a missing argument would go.
    var endColumn: Int {
        let last = line.arguments.last ?? line.name
        if last.quoted { return (last.characterColumns.last ?? last.column) + 2 }
        return last.column + last.text.count
    }

    /// The next token, which must be a bare word.
    mutating func word(_ what: String) throws(ProfileError) -> ProfileToken {
        guard index < line.arguments.count else {
            throw ProfileError(location(endColumn), "'\(line.name.text)' expects \(what)")
        }
        let token = line.arguments[index]
        guard !token.quoted else { throw error(token, "expected \(what), found a quoted string") }
        index += 1
        return token
    }

    /// The next token, which must be a quoted string.
    mutating func string(_ what: String) throws(ProfileError) -> ProfileToken {
        guard index < line.arguments.count else {
            throw ProfileError(location(endColumn), "'\(line.name.text)' expects \(what)")
        }
        let token = line.arguments[index]
        guard token.quoted else { throw error(token, "expected \(what) in double quotes, found '\(token.text)'") }
        index += 1
        return token
    }

    /// Parses the next word with `parse`, reporting its `ValueError` at the word.
    mutating func value<T>(_ what: String, _ parse: (String) throws(ValueError) -> T) throws(ProfileError) -> T {
        let token = try word(what)
        do { return try parse(token.text) } catch { throw self.error(token, error.description) }
    }

    /// Consumes the next word if it is one of `options`; nil otherwise (nothing consumed).
    mutating func optional(_ options: Set<String>) -> String? {
        guard index < line.arguments.count, !line.arguments[index].quoted,
              options.contains(line.arguments[index].text.lowercased()) else { return nil }
        index += 1
        return line.arguments[index - 1].text.lowercased()
    }

    /// The keyword at the cursor, consumed; an error naming the keywords allowed otherwise.
    mutating func keyword(among options: [String]) throws(ProfileError) -> String {
        let list = options.map { "'\($0)'" }.joined(separator: ", ")
        guard index < line.arguments.count else {
            throw ProfileError(location(endColumn), "'\(line.name.text)' expects one of \(list)")
        }
        let token = line.arguments[index]
        guard !token.quoted, options.contains(token.text.lowercased()) else {
            throw error(token, "unexpected \(token.quoted ? "string" : "'\(token.text)'") after '\(line.name.text)'; expected one of \(list)")
        }
        index += 1
        return token.text.lowercased()
    }

    /// Fails when arguments remain.
    func expectEnd() throws(ProfileError) {
        guard index < line.arguments.count else { return }
        let token = line.arguments[index]
        throw error(token, "unexpected \(token.quoted ? "string" : "'\(token.text)'") after '\(line.name.text)'")
    }

    /// An error at `token`.
    func error(_ token: ProfileToken, _ message: String) -> ProfileError {
        ProfileError(location(token.column), message)
    }

    /// The location of `column` on this line.
    func location(_ column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line.line, column: column)
    }
}
