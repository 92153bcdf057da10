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

    /// Compiles a pattern that came over the control plane (a live reply rule, a dry run) rather
    /// than from the configuration: at most 1,000 characters, not empty (it would match every
    /// reply), and without a repeated group that itself repeats, such as `(a+)+` or `(\S*x)*`.
    /// Those take exponential time on a reply that almost matches, and the node matches every
    /// reply against a live rule and tens of thousands against a dry run, with no time limit.
    ///
    /// - Throws: ``ValueError`` naming what is refused.
    public static func forLiveUse(_ source: String) throws(ValueError) -> PatternRegex {
        guard !source.isEmpty, source.utf8.count <= 1_000 else {
            throw ValueError(expected: "a pattern of 1 to 1,000 characters (an empty one matches every reply)", found: source)
        }
        guard !hasNestedRepetition(source) else {
            throw ValueError(expected: "a pattern without a repeated group that repeats inside, like (a+)+ (it can take "
                                 + "exponential time)", found: source)
        }
        return try PatternRegex(source)
    }

    /// True when a group followed by `*`, `+` or `{…}` itself contains `*`, `+` or `{…}` (escapes
    /// and character classes are skipped).
    static func hasNestedRepetition(_ source: String) -> Bool {
        var groups: [Bool] = []          // per open group: whether it holds a repetition
        var closedGroupRepeats = false   // the token just before: a group that holds a repetition
        var inClass = false
        var escaped = false
        for c in source {
            if escaped { escaped = false; closedGroupRepeats = false; continue }
            if c == "\\" { escaped = true; continue }
            if inClass { if c == "]" { inClass = false }; continue }
            switch c {
            case "[":
                inClass = true
                closedGroupRepeats = false
            case "(":
                groups.append(false)
                closedGroupRepeats = false
            case ")":
                let repeats = groups.popLast() ?? false
                if repeats, !groups.isEmpty { groups[groups.count - 1] = true }
                closedGroupRepeats = repeats
            case "*", "+", "{":
                if closedGroupRepeats { return true }
                if !groups.isEmpty { groups[groups.count - 1] = true }
            default:
                closedGroupRepeats = false
            }
        }
        return false
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
