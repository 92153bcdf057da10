/// A `<rewrite-list NAME>` block: address rewriting a `<source>` applies to the messages it
/// receives (`rewrite-list NAME` in the source).
public struct RewriteList: Hashable, Sendable {
    /// The list's name.
    public var name: String
    /// The rules in file order; for each address, the first matching rule of its field applies.
    public var rules: [AddressRewriteRule]
    /// Where the block opens.
    public var location: SourceLocation

    /// Creates a list.
    public init(name: String, rules: [AddressRewriteRule], location: SourceLocation) {
        self.name = name
        self.rules = rules
        self.location = location
    }

    /// `address` rewritten by the first rule for `field` that matches it, or nil when none does.
    public func rewrite(_ address: String, field: AddressRewriteRule.Field) -> String? {
        AddressRewriteRule.rewrite(address, with: rules.filter { $0.field == field })
    }
}

/// One line of a `<rewrite-list>`: `mail-from *@old.example *@new.example`.
///
/// The pattern is matched against the whole address, in any case; each `*` matches any run of
/// characters (also none). Each `*` of the replacement is what the pattern's `*` in the same
/// position matched: `*@old.example` → `*@new.example` keeps the local part. Pure.
public struct AddressRewriteRule: Hashable, Sendable {
    /// Which address the rule rewrites.
    public enum Field: String, Hashable, Sendable {
        /// The envelope sender (MAIL FROM): `mail-from`.
        case mailFrom = "mail-from"
        /// The address(es) of the From header: `header-from` (also `from`).
        case headerFrom = "header-from"
    }

    /// Which address the rule rewrites.
    public var field: Field
    /// The pattern, e.g. `*@old.example`.
    public var pattern: String
    /// The replacement, e.g. `*@new.example`; it has no more `*` than the pattern.
    public var replacement: String
    /// Where the line is.
    public var location: SourceLocation

    /// Creates a rule; ``isValid(pattern:replacement:)`` says whether the pair can be used.
    public init(field: Field, pattern: String, replacement: String, location: SourceLocation) {
        self.field = field
        self.pattern = pattern
        self.replacement = replacement
        self.location = location
    }

    /// True when the replacement uses no more `*` than the pattern has.
    public static func isValid(pattern: String, replacement: String) -> Bool {
        replacement.filter { $0 == "*" }.count <= pattern.filter { $0 == "*" }.count
    }

    /// `address` rewritten, or nil when the pattern does not match it.
    public func rewrite(_ address: String) -> String? {
        guard let captures = Self.match(Array(pattern.lowercased()), Array(address), lowered: Array(address.lowercased()))
        else { return nil }
        var result = ""
        var next = 0
        for character in replacement {
            if character == "*" {
                result += next < captures.count ? captures[next] : ""
                next += 1
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// `address` rewritten by the first of `rules` that matches it, or nil.
    public static func rewrite(_ address: String, with rules: [AddressRewriteRule]) -> String? {
        for rule in rules {
            if let rewritten = rule.rewrite(address) { return rewritten }
        }
        return nil
    }

    /// The text each `*` of `pattern` matched in `text` (as written), or nil without a match.
    /// `lowered` is `text` lowercased character by character for the comparison; when
    /// lowercasing changes the length, the address is compared as written.
    private static func match(_ pattern: [Character], _ text: [Character], lowered: [Character]) -> [String]? {
        let subject = lowered.count == text.count ? lowered : text
        var captures: [String] = []
        func step(_ p: Int, _ t: Int) -> Bool {
            if p == pattern.count { return t == subject.count }
            if pattern[p] == "*" {
                // Shortest first: `*@*.example` splits at the first '@'.
                for end in t...subject.count {
                    captures.append(String(text[t..<end]))
                    if step(p + 1, end) { return true }
                    captures.removeLast()
                }
                return false
            }
            guard t < subject.count, subject[t] == pattern[p] else { return false }
            return step(p + 1, t + 1)
        }
        return step(0, 0) ? captures : nil
    }
}
