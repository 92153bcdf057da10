import SluiceConfig

/// A reply rule an operator added live (``ControlKind/replyRule(_:pattern:actions:)``), compiled:
/// tried before the queue's `<smtp-pattern-list>`, the first match of either wins.
struct LiveReplyRule: Sendable {
    /// The control that set it (its id names the rule in events: `reply-rule #7`).
    var control: UInt64
    /// The pattern and actions.
    var rule: SMTPPatternRule

    /// Compiles a reply-rule control's pattern and actions.
    ///
    /// - Throws: ``ControlError`` `bad-setting` for a pattern that is not a regular expression or
    ///   actions that are not those of a `reply /re/ …` line.
    static func compile(pattern: String, actions: String) throws(ControlError) -> SMTPPatternRule {
        let regex: PatternRegex
        do { regex = try PatternRegex.forLiveUse(pattern) } catch { throw ControlError(.badSetting, "pattern: \(error)") }
        do { return SMTPPatternRule(regex: regex, actions: try SMTPPatternAction.parseList(actions)) } catch {
            throw ControlError(.badSetting, "actions: \(error)")
        }
    }
}

extension DeliveryEngine {
    /// The live reply rules covering `key`, in the order they are tried: the queue's own, then
    /// its domain's, newest first in each.
    func liveReplyRules(for key: QueueKey) -> [LiveReplyRule] {
        var rules: [LiveReplyRule] = []
        for pass in 0..<2 {
            for control in controls.reversed() {
                guard case .replyRule(let target, let pattern, let actions) = control.kind, target.covers(key),
                      target.isQueue == (pass == 0), let rule = try? LiveReplyRule.compile(pattern: pattern, actions: actions)
                else { continue }
                rules.append(LiveReplyRule(control: control.id, rule: rule))
            }
        }
        return rules
    }

    /// The name a live rule goes by where a pattern list's name would be (a disabled source's
    /// ``DisabledSource/patternList``): `reply-rule #7`.
    static func liveRuleName(_ control: UInt64) -> String { "reply-rule #\(control)" }

    /// The rule that takes `reply` in queue `q`, the name of its list (``liveRuleName(_:)`` for a
    /// live rule) and what to call it in events: the first live reply rule that matches, else the
    /// first matching rule of the queue's smtp-pattern-list.
    func matchingReplyRule(_ q: UInt32, _ reply: String) -> (rule: SMTPPatternRule, list: String, origin: String)? {
        for live in queueInfo[Int(q)].replyRules where live.rule.regex.matches(reply) {
            let name = Self.liveRuleName(live.control)
            return (live.rule, name, name)
        }
        guard let list = queueInfo[Int(q)].patternList, let rule = list.firstMatch(reply) else { return nil }
        return (rule, list.name, "smtp-pattern-list \(list.name)")
    }

    /// How the reply rules in force for `key` answer `reply`: the rule's origin
    /// (`reply-rule #7`, `smtp-pattern-list gmail`) and pattern, or nil when none matches.
    /// What ``ReplyRuleDraft/dryRun(_:over:list:)`` predicts is what this finds on replayed replies.
    public func replyRuleMatch(for key: QueueKey, reply: String) -> (origin: String, pattern: String)? {
        guard let q = queueIndex[key] else { return nil }
        return matchingReplyRule(q, reply).map { ($0.origin, $0.rule.regex.description) }
    }

    /// The `<smtp-pattern-list>` in force for `key` (configured and overridden settings).
    public func patternList(for key: QueueKey) -> SMTPPatternList? {
        if let q = queueIndex[key] { return queueInfo[Int(q)].patternList }
        return overriddenSettings(for: key).smtpPatternList.value.flatMap { configuration.smtpPatternList(named: $0) }
    }
}
