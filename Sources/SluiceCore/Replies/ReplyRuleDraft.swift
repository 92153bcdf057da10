import SluiceBase
import SluiceConfig

/// What a reply rule drafted from a template (``DiagnosticTemplate``; its pattern from
/// `TemplatePattern.pattern(for:)`) would have done: the dry run counts the recorded replies its pattern matches, per queue, and names the existing
/// `<smtp-pattern-list>` rule that already matches them (the first match wins, so that rule
/// would keep acting on them unless the new one is put before it).
public enum ReplyRuleDraft {
    /// An existing rule that already matches some of the replies.
    public struct ExistingRule: Hashable, Sendable {
        /// The `<smtp-pattern-list>` name.
        public var list: String
        /// The rule's pattern, `/…/`.
        public var rule: String
        /// Where it is written, `FILE:LINE`, or empty.
        public var location: String
        /// How many of the matched replies it takes first.
        public var count: Int
    }

    /// What a dry run found.
    public struct DryRun: Hashable, Sendable {
        /// Replies the pattern matches.
        public var matched: Int
        /// Replies looked at.
        public var examined: Int
        /// The matched replies per queue (`domain/vmta`, count, share of the matched), most first.
        public var queues: [ReplyPatternShare]
        /// Existing rules that already match some of them, most first.
        public var alreadyMatchedBy: [ExistingRule]
    }

    /// Runs `regex` over `replies`; `list` gives the smtp-pattern-list in force for a queue.
    public static func dryRun(_ regex: PatternRegex, over replies: [RecordedReply],
                              list: (QueueKey) -> SMTPPatternList?) -> DryRun {
        var perQueue: [QueueKey: Int] = [:]
        var existing: [String: ExistingRule] = [:]
        var matched = 0
        for reply in replies where regex.matches(reply.reply) {
            matched += 1
            perQueue[reply.queue, default: 0] += 1
            if let current = list(reply.queue), let rule = current.firstMatch(reply.reply) {
                let location = rule.location.map { "\($0.file):\($0.line)" } ?? ""
                let key = current.name + "\u{0}" + rule.regex.description + "\u{0}" + location
                existing[key, default: ExistingRule(list: current.name, rule: rule.regex.description, location: location, count: 0)].count += 1
            }
        }
        return DryRun(matched: matched, examined: replies.count,
                      queues: perQueue.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                          .map { ReplyPatternShare(name: $0.key.description, count: $0.value, share: Double($0.value) / Double(matched)) },
                      alreadyMatchedBy: existing.values.sorted { $0.count != $1.count ? $0.count > $1.count : $0.rule < $1.rule })
    }
}
