import Foundation

/// A regular expression from a config regex literal `/…/` (optionally `/…/i`), compiled once.
/// Used by smtp-pattern-list, bounce-category-patterns and pattern-list.
public struct PatternRegex: Hashable, Sendable, CustomStringConvertible {
    /// The pattern between the slashes, as written.
    public let source: String
    /// True for a trailing `i` flag.
    public let caseInsensitive: Bool
    private let regex: NSRegularExpression

    /// Compiles `source`. The empty pattern `//` matches everything, as in PowerMTA (whose stock
    /// bounce list ends with `// other`).
    ///
    /// - Throws: ``ValueError`` naming the pattern when it is not a valid regular expression.
    public init(_ source: String, caseInsensitive: Bool = false) throws(ValueError) {
        do {
            regex = try NSRegularExpression(pattern: source.isEmpty ? "(?:)" : source,
                                            options: caseInsensitive ? [.caseInsensitive] : [])
        } catch {
            throw ValueError(expected: "a valid regular expression", found: "/\(source)/")
        }
        self.source = source
        self.caseInsensitive = caseInsensitive
    }

    /// True when the pattern matches anywhere in `text`.
    public func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// `/source/` or `/source/i`.
    public var description: String { "/\(source)/" + (caseInsensitive ? "i" : "") }

    public static func == (a: PatternRegex, b: PatternRegex) -> Bool {
        a.source == b.source && a.caseInsensitive == b.caseInsensitive
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        hasher.combine(caseInsensitive)
    }
}
