/// A directive line: `name value…`.
struct DirectiveNode: Hashable, Sendable {
    /// The directive's name as written.
    var name: Word
    /// The words after the name.
    var arguments: [Word]

    /// The directive's name in lower case.
    var key: String { name.text.lowercased() }
    /// Where the directive starts.
    var location: SourceLocation { name.location }
    /// The arguments joined by single spaces (the directive's value as text).
    var value: String { arguments.map(\.text).joined(separator: " ") }
    /// Where the value starts (the name's location when there is no value).
    var valueLocation: SourceLocation { arguments.first?.location ?? name.location }
}

/// A block `<name argument…> … </name>`.
struct BlockNode: Hashable, Sendable {
    /// The block's name in lower case, located at the name.
    var name: Word
    /// The words after the name in the opening tag.
    var arguments: [Word]
    /// The opening `<`.
    var start: SourceLocation
    /// The lines inside, includes already spliced in.
    var children: [SyntaxNode]

    /// The arguments joined by single spaces.
    var argument: String { arguments.map(\.text).joined(separator: " ") }
    /// Where the first argument starts (the name's location when there is none).
    var argumentLocation: SourceLocation { arguments.first?.location ?? name.location }
}

/// One element of a configuration file.
enum SyntaxNode: Hashable, Sendable {
    /// `name value…`.
    case directive(DirectiveNode)
    /// `<name …> … </name>`.
    indirect case block(BlockNode)
}
