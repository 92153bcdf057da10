extension ModelBuilder {
    // MARK: - <rewrite-list>

    static let rewriteListDirectives = ["mail-from", "header-from", "from"]

    /// The most `*` a rewrite pattern may hold (matching backtracks over them).
    static let maximumRewriteWildcards = 4

    /// `<rewrite-list NAME>` with `mail-from PATTERN REPLACEMENT` and `header-from` (or `from`)
    /// lines.
    mutating func rewriteList(_ b: BlockNode) {
        guard let name = blockName(b, example: "<rewrite-list brands>") else { return }
        if let first = model.rewriteLists[name] {
            error(b.argumentLocation, "duplicate rewrite-list '\(name)'; first defined at \(first.location)")
            return
        }
        var rules: [AddressRewriteRule] = []
        var ruleLines = 0
        for child in b.children {
            switch child {
            case .block(let nested): misplaced(nested, inside: "rewrite-list")
            case .directive(let d) where d.key == "mail-from":
                ruleLines += 1
                if let rule = rewriteRule(d, field: .mailFrom) { rules.append(rule) }
            case .directive(let d) where d.key == "header-from" || d.key == "from":
                ruleLines += 1
                if let rule = rewriteRule(d, field: .headerFrom) { rules.append(rule) }
            case .directive(let d): unknownDirective(d, in: "<rewrite-list>", known: Self.rewriteListDirectives)
            }
        }
        if ruleLines == 0 { warning(b.start, "rewrite-list '\(name)' has no rules") }
        model.rewriteLists[name] = RewriteList(name: name, rules: rules, location: b.start)
    }

    /// `mail-from *@old.example *@new.example`; nil after an error.
    private mutating func rewriteRule(_ d: DirectiveNode, field: AddressRewriteRule.Field) -> AddressRewriteRule? {
        guard d.arguments.count == 2 else {
            error(d.arguments.count > 2 ? d.arguments[2].location : d.location,
                  "'\(d.name.text)' takes a pattern and its replacement, e.g. \(d.name.text) *@old.example *@new.example")
            return nil
        }
        let pattern = d.arguments[0], replacement = d.arguments[1]
        guard pattern.text.filter({ $0 == "*" }).count <= Self.maximumRewriteWildcards else {
            error(pattern.location, "a rewrite pattern may hold at most \(Self.maximumRewriteWildcards) '*', "
                                  + "found '\(pattern.text)'")
            return nil
        }
        guard AddressRewriteRule.isValid(pattern: pattern.text, replacement: replacement.text) else {
            error(replacement.location, "the replacement '\(replacement.text)' has more '*' than the pattern "
                                      + "'\(pattern.text)': each '*' of the replacement is what the pattern's '*' "
                                      + "in the same position matched, e.g. *@old.example *@new.example")
            return nil
        }
        return AddressRewriteRule(field: field, pattern: pattern.text, replacement: replacement.text, location: d.location)
    }
}
