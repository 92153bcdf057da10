extension ModelBuilder {
    // MARK: - <suppression> (a Sluice extension)

    static let suppressionDirectives = ["enabled", "database", "action", "scope", "suppress-categories",
                                        "suppress-complaints"]

    /// `<suppression>`: the suppression list's file, what a suppressed recipient gets, and what
    /// adds to the list. One block; a second is an error.
    mutating func suppression(_ b: BlockNode) {
        if let extra = b.arguments.first { error(extra.location, "'<suppression>' takes no name") }
        if let first = model.suppression.location {
            error(b.start, "only one <suppression> block is allowed; the first is at \(first)")
            return
        }
        var settings = SuppressionSettings()
        settings.location = b.start
        for child in b.children {
            switch child {
            case .block(let nested): misplaced(nested, inside: "suppression")
            case .directive(let d):
                switch d.key {
                case "enabled": bool(d).map { settings.enabled = $0 }
                case "database": settings.database = single(d)?.text
                case "action":
                    parse(d) { (t: String) throws(ValueError) in
                        guard let action = SuppressionSettings.Action(rawValue: t.lowercased()) else {
                            throw ValueError(expected: "reject (550 5.7.1 at RCPT) or drop (accept, then drop with a b record)",
                                             found: t)
                        }
                        return action
                    }.map { settings.action = $0 }
                case "scope":
                    parse(d) { (t: String) throws(ValueError) in
                        guard let scope = SuppressionSettings.Scope(rawValue: t.lowercased()) else {
                            throw ValueError(expected: "global, sender-domain or job", found: t)
                        }
                        return scope
                    }.map { settings.scope = $0 }
                case "suppress-categories": suppressCategories(d).map { settings.suppressCategories = $0 }
                case "suppress-complaints": bool(d).map { settings.suppressComplaints = $0 }
                default: unknownDirective(d, in: "<suppression>", known: Self.suppressionDirectives)
                }
            }
        }
        model.suppression = settings
    }

    /// `suppress-categories bad-mailbox,bad-domain` (commas, spaces or both) or `none`: standard
    /// bounce categories, each checked at its own column.
    private mutating func suppressCategories(_ d: DirectiveNode) -> [BounceCategory]? {
        guard !d.arguments.isEmpty else {
            error(d.location, "'suppress-categories' needs a value, e.g. bad-mailbox,bad-domain,inactive-mailbox (or none)")
            return nil
        }
        if d.arguments.count == 1, d.arguments[0].text.lowercased() == "none" { return [] }
        let names = BounceCategory.standard.filter { $0 != .success }.map(\.rawValue)
        var categories: [BounceCategory] = []
        var failed = false
        for word in d.arguments {
            var column = 0
            for part in word.text.split(separator: ",", omittingEmptySubsequences: false) {
                defer { column += part.count + 1 }
                guard !part.isEmpty else { continue }
                guard let category = BounceCategory.standard(named: String(part)), category != .success else {
                    var location = word.location
                    location.column += column
                    var message = "invalid value for 'suppress-categories': '\(part)' is not a bounce category"
                    if let near = nearestName(to: String(part), among: names) { message += "; did you mean '\(near)'?" }
                    error(location, message + " (standard categories such as bad-mailbox, bad-domain, inactive-mailbox)")
                    failed = true
                    continue
                }
                if !categories.contains(category) { categories.append(category) }
            }
        }
        return failed ? nil : categories
    }
}
