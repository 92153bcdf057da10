/// One whitespace-separated word of a config line, with quotes removed.
///
/// A quoted string (`"a b"`) and a regex literal (`/4\.7\.0 try later/`) are one word even when
/// they contain spaces; a regex literal keeps its slashes and flags.
struct Word: Hashable, Sendable {
    /// The text, unquoted.
    var text: String
    /// Where the word starts.
    var location: SourceLocation
}

/// What one line of configuration is.
enum LineSyntax: Hashable, Sendable {
    /// Blank or comment only.
    case empty
    /// `name value…`.
    case directive(name: Word, arguments: [Word])
    /// `<name argument…>`; `start` is the `<`.
    case open(name: Word, arguments: [Word], start: SourceLocation)
    /// `</name>`; `start` is the `<`.
    case close(name: Word, start: SourceLocation)
}
