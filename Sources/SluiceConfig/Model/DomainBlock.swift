/// The domain a `<domain>` block applies to, in order of increasing precedence.
public enum DomainPattern: Hashable, Sendable, CustomStringConvertible {
    /// `*`: every domain.
    case any
    /// `[*.]example.com`: the domain and its subdomains.
    case domainAndSubdomains(String)
    /// `*.example.com`: subdomains only, at any depth.
    case subdomains(String)
    /// `example.com`: that domain only.
    case exact(String)

    /// Parses `*`, `*.x`, `[*.]x` or a domain name (lower-cased; a trailing dot dropped).
    public init(parsing text: String) throws(ValueError) {
        let error = ValueError(expected: "a domain such as example.com, *.example.com, [*.]example.com or *",
                               found: text)
        if text == "*" { self = .any; return }
        var name = text.lowercased()
        var make: (String) -> DomainPattern = DomainPattern.exact
        if name.hasPrefix("[*.]") {
            name.removeFirst(4)
            make = DomainPattern.domainAndSubdomains
        } else if name.hasPrefix("*.") {
            name.removeFirst(2)
            make = DomainPattern.subdomains
        }
        if name.hasSuffix(".") { name.removeLast() }
        guard !name.isEmpty, !name.hasPrefix("."), !name.contains(".."),
              name.allSatisfy({ $0.isLetter || $0.isASCIIDigit || $0 == "-" || $0 == "." || $0 == "_" })
        else { throw error }
        self = make(name)
    }

    /// As written in a `<domain>` tag.
    public var description: String {
        switch self {
        case .any: return "*"
        case .domainAndSubdomains(let d): return "[*.]\(d)"
        case .subdomains(let d): return "*.\(d)"
        case .exact(let d): return d
        }
    }
}

/// One valid directive line of a `<domain>` block.
public struct DomainEntry: Hashable, Sendable {
    /// The directive's canonical name (`route` is stored as `smtp-hosts`).
    public var name: String
    /// The value as written (arguments joined by single spaces).
    public var value: String
    /// The directive's position (its origin in effective settings).
    public var location: SourceLocation
    /// The value's position.
    public var valueLocation: SourceLocation

    /// Creates an entry.
    public init(name: String, value: String, location: SourceLocation, valueLocation: SourceLocation) {
        self.name = name
        self.value = value
        self.location = location
        self.valueLocation = valueLocation
    }
}

/// A `<domain PATTERN[, PATTERN…]>` block (`$macro` already expanded).
public struct DomainBlock: Hashable, Sendable {
    /// The domains it applies to.
    public var patterns: [DomainPattern]
    /// Its valid directives, in file order (invalid ones were reported and dropped).
    public var entries: [DomainEntry]
    /// Where the block opens.
    public var location: SourceLocation

    /// Creates a block.
    public init(patterns: [DomainPattern], entries: [DomainEntry], location: SourceLocation) {
        self.patterns = patterns
        self.entries = entries
        self.location = location
    }
}
