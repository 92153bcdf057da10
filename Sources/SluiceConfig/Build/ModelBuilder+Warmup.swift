extension ModelBuilder {
    /// Directives of `<warmup-schedule>`.
    static let warmupDirectives = [
        "day", "start-rate", "start-max-msg", "daily-increase", "ceiling",
        "max-deferral-rate", "max-bounce-rate", "max-complaint-rate",
    ]

    /// The growth rule's directives as read so far.
    private struct RuleParts {
        var startRate: Rate?
        var startMaxMessages: Int?
        var dailyIncrease: Double?
        var ceiling: Rate?
        var firstLocation: SourceLocation?
    }

    /// Reads a `<warmup-schedule NAME>` block: explicit `day` steps or a growth rule, and the
    /// feedback thresholds (see ``WarmupSchedule``).
    mutating func warmupSchedule(_ b: BlockNode) {
        guard let name = blockName(b, example: "<warmup-schedule new-ip>") else { return }
        if let first = model.warmupSchedules[name] {
            error(b.argumentLocation, "duplicate warmup-schedule '\(name)'; first defined at \(first.location)")
            return
        }
        var steps: [Int: (step: WarmupStep, location: SourceLocation)] = [:]
        var rule = RuleParts()
        var thresholds = WarmupThresholds()
        for child in b.children {
            guard case .directive(let d) = child else {
                if case .block(let nested) = child { misplaced(nested, inside: "warmup-schedule") }
                continue
            }
            switch d.key {
            case "day": warmupDay(d, into: &steps)
            case "start-rate": rule.startRate = positiveRate(d); rule.firstLocation = rule.firstLocation ?? d.location
            case "ceiling": rule.ceiling = positiveRate(d); rule.firstLocation = rule.firstLocation ?? d.location
            case "start-max-msg":
                rule.startMaxMessages = parse(d) { (t: String) throws(ValueError) in try DailyCount.parse(t) }
                rule.firstLocation = rule.firstLocation ?? d.location
            case "daily-increase":
                rule.dailyIncrease = parse(d) { (t: String) throws(ValueError) in try Percentage.parse(t, maximum: 1000) }
                rule.firstLocation = rule.firstLocation ?? d.location
            case "max-deferral-rate": thresholds.maxDeferralRate = parse(d) { (t: String) throws(ValueError) in try Percentage.parse(t) }
            case "max-bounce-rate": thresholds.maxBounceRate = parse(d) { (t: String) throws(ValueError) in try Percentage.parse(t) }
            case "max-complaint-rate":
                thresholds.maxComplaintRate = parse(d) { (t: String) throws(ValueError) in try Percentage.parse(t) }
            default: unknownDirective(d, in: "<warmup-schedule>", known: Self.warmupDirectives)
            }
        }
        guard let plan = warmupPlan(name: name, block: b, steps: steps, rule: rule) else { return }
        model.warmupSchedules[name] = WarmupSchedule(name: name, plan: plan, thresholds: thresholds, location: b.start)
    }

    /// The schedule's steps or rule; nil after an error.
    private mutating func warmupPlan(name: String, block b: BlockNode,
                                     steps: [Int: (step: WarmupStep, location: SourceLocation)],
                                     rule: RuleParts) -> WarmupSchedule.Plan? {
        if let ruleAt = rule.firstLocation {
            if let stepAt = steps.values.map(\.location).min() {
                error(max(ruleAt, stepAt), "warmup-schedule '\(name)' mixes day steps and a growth rule; give either "
                                         + "day lines (day 1 max-msg 500/day) or start-rate, daily-increase and ceiling")
                return nil
            }
            guard let start = rule.startRate?.perSecond, let increase = rule.dailyIncrease,
                  let ceiling = rule.ceiling?.perSecond else {
                let missing = [("start-rate", rule.startRate == nil), ("daily-increase", rule.dailyIncrease == nil),
                               ("ceiling", rule.ceiling == nil)].filter(\.1).map(\.0)
                if !missing.isEmpty {
                    error(b.start, "warmup-schedule '\(name)' has a growth rule without \(missing.joined(separator: ", ")); "
                                 + "a rule needs all three, e.g. start-rate 5/s, daily-increase 10%, ceiling 200/s")
                }
                return nil
            }
            guard ceiling > start else {
                error(b.start, "warmup-schedule '\(name)': ceiling must be above start-rate, e.g. start-rate 5/s and ceiling 200/s")
                return nil
            }
            return .rule(WarmupRule(startPerSecond: start, dailyIncrease: increase, ceilingPerSecond: ceiling,
                                    startMaxMessages: rule.startMaxMessages))
        }
        guard let last = steps.keys.max() else {
            error(b.start, "warmup-schedule '\(name)' has no steps; give day lines (day 1 max-msg 500/day "
                         + "max-msg-rate 5/s) or a rule (start-rate 5/s, daily-increase 10%, ceiling 200/s)")
            return nil
        }
        if let gap = (1...last).first(where: { steps[$0] == nil }) {
            error(b.start, "warmup-schedule '\(name)' has no step for day \(gap); give every day from 1 to \(last), "
                         + "e.g. day \(gap) max-msg 1000/day")
            return nil
        }
        return .steps((1...last).compactMap { steps[$0]?.step })
    }

    /// `day N [domain D,…] max-msg N/day max-msg-rate R`: adds to step N (a line without `domain`
    /// sets the vmta-wide limits; each `domain` line adds limits for its domains).
    private mutating func warmupDay(_ d: DirectiveNode, into steps: inout [Int: (step: WarmupStep, location: SourceLocation)]) {
        let example = "e.g. day 1 max-msg 500/day max-msg-rate 5/s, or day 1 domain gmail.com max-msg 100/day"
        guard let first = d.arguments.first, let number = Int(first.text), number >= 1, number <= 10_000 else {
            error(d.valueLocation, "invalid value for 'day': expected a day number from 1 first, "
                                 + "found '\(d.arguments.first?.text ?? "")'; \(example)")
            return
        }
        var words = Array(d.arguments.dropFirst())
        var domains: [String]?
        if words.first?.text.lowercased() == "domain" {
            guard words.count >= 2 else {
                error(words[0].location, "'domain' needs one or more domains or a $macro; \(example)")
                return
            }
            guard let names = warmupDomains(words[1]) else { return }
            domains = names
            words.removeFirst(2)
        }
        var maxMessages: Int?
        var rate = Rate.unlimited
        guard !words.isEmpty else {
            error(d.location, "'day \(number)' sets no limit; \(example)")
            return
        }
        var index = 0
        while index < words.count {
            let key = words[index]
            guard index + 1 < words.count else {
                error(key.location, "'\(key.text)' needs a value; \(example)")
                return
            }
            let value = words[index + 1]
            switch key.text.lowercased() {
            case "max-msg":
                guard let count = try? DailyCount.parse(value.text), count > 0 else {
                    error(value.location, "invalid value for 'max-msg': expected a number of messages a day such as "
                                        + "500/day, found '\(value.text)'")
                    return
                }
                maxMessages = count
            case "max-msg-rate":
                do { rate = try Rate(parsing: value.text) } catch {
                    self.error(value.location, "invalid value for 'max-msg-rate': \(error)")
                    return
                }
            default:
                var message = "unknown limit '\(key.text)' in 'day'; a step takes max-msg and max-msg-rate"
                if let near = nearestName(to: key.text.lowercased(), among: ["max-msg", "max-msg-rate", "domain"]) {
                    message += "; did you mean '\(near)'?"
                }
                error(key.location, message)
                return
            }
            index += 2
        }
        var entry = steps[number] ?? (WarmupStep(), d.location)
        if let domains {
            entry.step.domainLimits.append(WarmupDomainLimit(domains: domains, maxMessages: maxMessages, maxMsgRate: rate))
        } else {
            if steps[number].map({ $0.step.maxMessages != nil || $0.step.maxMsgRate != .unlimited }) == true {
                error(d.location, "day \(number) is given twice; put its limits on one line, \(example)")
                return
            }
            entry.step.maxMessages = maxMessages
            entry.step.maxMsgRate = rate
        }
        steps[number] = entry
    }

    /// The domains of a step's `domain` word: names separated by commas, `$macro`s expanded;
    /// nil after an error (wildcards are not taken: a step names destination domains).
    private mutating func warmupDomains(_ word: Word) -> [String]? {
        var names: [String] = []
        for item in splitList(word) {
            let expanded = MacroUse(item.text) != nil ? expandMacros(in: item) : [item.text]
            guard let expanded else { return nil }
            for name in expanded {
                guard case .exact(let domain) = try? DomainPattern(parsing: name) else {
                    error(item.location, "invalid domain in 'day': '\(name)'; a step names destination domains "
                                       + "such as gmail.com or a domain-macro such as $yahoo (no wildcards)")
                    return nil
                }
                names.append(domain)
            }
        }
        return names
    }

    /// A positive rate such as 5/s; nil after an error.
    private mutating func positiveRate(_ d: DirectiveNode) -> Rate? {
        parse(d) { (t: String) throws(ValueError) in
            let rate = try Rate(parsing: t)
            guard let perSecond = rate.perSecond, perSecond > 0 else {
                throw ValueError(expected: "a positive rate such as 5/s or 300/h", found: t)
            }
            return rate
        }
    }
}
