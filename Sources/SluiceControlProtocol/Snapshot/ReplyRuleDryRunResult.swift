/// What a reply rule would have done (`replyRuleDryRun`, `sluice reply-rule … --dry-run`, the
/// Patterns view's rule form): how many of the node's recorded replies of the last hour its
/// pattern matches, on which queues, and which configured rules already take them.
public struct ReplyRuleDryRunResult: Codable, Hashable, Sendable {
    /// A configured rule that already matches some of the replies (the first match wins).
    public struct ExistingRule: Codable, Hashable, Sendable {
        /// The `<smtp-pattern-list>` name.
        public var list: String
        /// The rule's pattern, `/…/`.
        public var rule: String
        /// Where it is written, `FILE:LINE`, or empty.
        public var location: String
        /// How many of the matched replies it takes.
        public var count: Int

        /// Creates an existing rule.
        public init(list: String, rule: String, location: String, count: Int) {
            self.list = list
            self.rule = rule
            self.location = location
            self.count = count
        }
    }

    /// The pattern tried.
    public var pattern: String
    /// Replies it matches.
    public var matched: Int
    /// Replies of the last hour looked at.
    public var examined: Int
    /// The matched replies per queue (`domain/vmta`, count, share of the matched), most first.
    public var queues: [PatternRow.Share]
    /// Configured rules that already match some of them, most first.
    public var alreadyMatchedBy: [ExistingRule]

    /// Creates a result.
    public init(pattern: String, matched: Int, examined: Int, queues: [PatternRow.Share], alreadyMatchedBy: [ExistingRule]) {
        self.pattern = pattern
        self.matched = matched
        self.examined = examined
        self.queues = queues
        self.alreadyMatchedBy = alreadyMatchedBy
    }

    enum CodingKeys: String, CodingKey {
        case pattern, matched, examined, queues
        case alreadyMatchedBy = "already_matched_by"
    }

    /// One line for the status bar or the CLI: `matches 1,234 of 50,000 replies of the last hour:
    /// gmail.com/vmta1 80%, gmail.com/vmta2 20%; already taken by smtp-pattern-list gmail /421/ (1,100)`.
    public var summary: String {
        var text = "matches \(matched) of \(examined) replies of the last hour"
        if !queues.isEmpty {
            text += ": " + queues.prefix(3).map { "\($0.name) \(Int(($0.share * 100).rounded()))%" }.joined(separator: ", ")
            if queues.count > 3 { text += ", \(queues.count - 3) more" }
        }
        if !alreadyMatchedBy.isEmpty {
            text += "; already taken by " + alreadyMatchedBy.prefix(2).map { "smtp-pattern-list \($0.list) \($0.rule) (\($0.count))" }
                .joined(separator: ", ")
        }
        return text
    }
}
