import SluiceConfig

/// Parses the sandbox profile format (see docs/sandbox.md) into a ``SandboxProfile``.
public struct ProfileParser: Sendable {
    /// The file name used in error locations.
    public let file: String

    /// Creates a parser whose errors name `file`.
    public init(file: String) { self.file = file }

    static let topLevelDirectives = [
        "hostname", "greeting", "rate-limit", "unknown-users", "mailbox-full", "greylist",
        "reject-message", "slow-reply",
    ]
    static let incidentDirectives = ["defer-connection", "defer-mail"]

    /// Parses `text` as the profile called `name`.
    ///
    /// - Throws: ``ProfileError`` at the first problem, with its line and column.
    public func parse(_ text: String, name: String) throws(ProfileError) -> SandboxProfile {
        let lines = try ProfileLexer(file: file).lines(of: text)
        var profile = SandboxProfile(name: name, hostname: "mx.\(name).sandbox",
                                     greeting: Defaults.template("220 {host} ESMTP ready"))
        var seen: [String: ProfileLine] = [:]
        var incident: (open: ProfileLine, value: Incident)?
        for line in lines {
            switch line.kind {
            case .open:
                guard line.name.text == "incident" else {
                    throw ProfileError(location(line, line.name.column), "unknown block '<\(line.name.text)>'; the only block is <incident START-END>")
                }
                if let open = incident?.open {
                    throw ProfileError(location(line, line.name.column - 1), "<incident> cannot nest: the one opened at line \(open.line) is not closed")
                }
                incident = (line, try parseIncidentWindow(line))
            case .close:
                guard let open = incident else {
                    throw ProfileError(location(line, line.name.column - 2), "'</\(line.name.text)>' closes no open block")
                }
                guard line.name.text == open.open.name.text else {
                    throw ProfileError(location(line, line.name.column), "expected '</\(open.open.name.text)>' to close the block opened at line \(open.open.line)")
                }
                guard !open.value.actions.isEmpty else {
                    throw ProfileError(location(open.open, open.open.name.column - 1), "this incident does nothing: add defer-connection or defer-mail")
                }
                profile.incidents.append(open.value)
                incident = nil
            case .directive:
                let key = line.name.text.lowercased()
                if incident != nil {
                    incident?.value.actions.append(try parseIncidentAction(line, key: key))
                    continue
                }
                let isRepeatable = key == "slow-reply" || key == "mailbox-full"
                if !isRepeatable, let first = seen[key] {
                    throw ProfileError(location(line, line.name.column), "'\(key)' is already set at line \(first.line)")
                }
                seen[key] = line
                try apply(line, key: key, to: &profile)
            }
        }
        if let open = incident?.open {
            throw ProfileError(location(open, open.name.column - 1), "<incident> is not closed: add </incident>")
        }
        return profile
    }

    private func apply(_ line: ProfileLine, key: String, to profile: inout SandboxProfile) throws(ProfileError) {
        var args = ProfileArguments(line, file: file)
        switch key {
        case "hostname":
            profile.hostname = try args.word("a host name").text
        case "greeting":
            profile.greeting = try reply(&args, classes: [2])
        case "rate-limit":
            _ = try args.keyword(among: ["per-source-ip"])
            let rate = try args.value("a rate such as 20/s", Rate.init(parsing:))
            guard case .limited(let count, _) = rate, count > 0 else {
                throw args.error(line.arguments[args.index - 1], "a rate limit needs a positive rate such as 20/s")
            }
            var rule = RateLimitRule(rate: rate, burst: count, stage: .mail,
                                     reply: Defaults.template("421 4.7.0 [{ip}] Too many messages from your IP address, try again later"))
            while !args.isAtEnd {
                switch try args.keyword(among: ["burst", "at", "reply"]) {
                case "burst":
                    rule.burst = try args.value("a burst size such as 20") { (text: String) throws(ValueError) -> Int in
                        guard let n = Int(text), n > 0 else { throw ValueError(expected: "a positive whole number", found: text) }
                        return n
                    }
                case "at":
                    rule.stage = try stage(&args, allowed: [.connect, .mail, .rcpt, .data])
                default:
                    rule.reply = try reply(&args, classes: [4])
                }
            }
            profile.rateLimit = rule
        case "unknown-users":
            let share = try args.value("a percentage such as 3%", Share.init(parsing:))
            profile.unknownUsers = ShareRule(share: share, reply: try optionalReply(&args, classes: [5], default: Defaults.unknownUser))
        case "mailbox-full":
            let share = try args.value("a percentage such as 1%", Share.init(parsing:))
            let permanent = try args.keyword(among: ["transient", "permanent"]) == "permanent"
            if profile.mailboxFull.contains(where: { $0.permanent == permanent }) {
                throw ProfileError(location(line, line.name.column), "'mailbox-full … \(permanent ? "permanent" : "transient")' is already set")
            }
            let reply = try optionalReply(&args, classes: permanent ? [5] : [4],
                                          default: permanent ? Defaults.mailboxFullPermanent : Defaults.mailboxFullTransient)
            profile.mailboxFull.append(MailboxFullRule(share: share, permanent: permanent, reply: reply))
            let total = profile.mailboxFull.reduce(0) { $0 + $1.share.partsPerMillion }
            if total > 1_000_000 {
                throw args.error(line.arguments[0], "the mailbox-full shares add up to more than 100%")
            }
        case "greylist":
            let share = try args.value("a percentage such as 20%", Share.init(parsing:))
            var rule = GreylistRule(share: share, minimumWait: .minutes(1), reply: Defaults.greylist)
            while !args.isAtEnd {
                switch try args.keyword(among: ["min-wait", "reply"]) {
                case "min-wait": rule.minimumWait = try args.value("a duration such as 1m", TimeSpan.init(parsing:))
                default: rule.reply = try reply(&args, classes: [4])
                }
            }
            profile.greylist = rule
        case "reject-message":
            let share = try args.value("a percentage such as 0.5%", Share.init(parsing:))
            profile.rejectMessage = ShareRule(share: share, reply: try optionalReply(&args, classes: [5], default: Defaults.policyReject))
        case "slow-reply":
            let stageToken = args.line.arguments.first
            let stage = try stage(&args, allowed: SMTPStage.allCases)
            if profile.slowReplies[stage] != nil, let stageToken {
                throw args.error(stageToken, "'slow-reply \(stage)' is already set")
            }
            profile.slowReplies[stage] = try args.value("a delay such as 200ms..800ms", DelayRange.init(parsing:))
        default:
            throw unknown(line, among: ProfileParser.topLevelDirectives, inIncident: false)
        }
        try args.expectEnd()
    }

    private func parseIncidentWindow(_ line: ProfileLine) throws(ProfileError) -> Incident {
        var args = ProfileArguments(line, file: file)
        let windowToken = try args.word("a window such as 2m-4m")
        let bounds = windowToken.text.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let start = try? TimeSpan(parsing: String(bounds[0])),
              let end = try? TimeSpan(parsing: String(bounds[1])) else {
            throw args.error(windowToken, "expected a window such as 2m-4m (start-end after the receiver starts), found '\(windowToken.text)'")
        }
        guard end > start else {
            throw args.error(windowToken, "the window ends (\(end)) before it starts (\(start))")
        }
        var incident = Incident(start: start, end: end, actions: [])
        if args.optional(["every"]) != nil {
            let period = try args.value("a period such as 5m", TimeSpan.init(parsing:))
            guard period.milliseconds > end.milliseconds - start.milliseconds else {
                throw args.error(line.arguments[args.index - 1], "the period \(period) must be longer than the window (\(TimeSpan(milliseconds: end.milliseconds - start.milliseconds)))")
            }
            incident.period = period
        }
        try args.expectEnd()
        return incident
    }

    private func parseIncidentAction(_ line: ProfileLine, key: String) throws(ProfileError) -> IncidentAction {
        var args = ProfileArguments(line, file: file)
        let stage: SMTPStage
        switch key {
        case "defer-connection": stage = .connect
        case "defer-mail": stage = .mail
        default: throw unknown(line, among: ProfileParser.incidentDirectives, inIncident: true)
        }
        var share = Share.all
        if let next = line.arguments.first, !next.quoted, next.text.hasSuffix("%") {
            share = try args.value("a percentage such as 50%", Share.init(parsing:))
        }
        _ = try args.keyword(among: ["reply"])
        let template = try reply(&args, classes: [4])
        try args.expectEnd()
        return IncidentAction(stage: stage, share: share, reply: template)
    }

    private func stage(_ args: inout ProfileArguments, allowed: [SMTPStage]) throws(ProfileError) -> SMTPStage {
        let name = try args.keyword(among: allowed.map(\.rawValue))
        return SMTPStage(rawValue: name) ?? .mail
    }

    private func optionalReply(_ args: inout ProfileArguments, classes: Set<Int>, default fallback: ReplyTemplate) throws(ProfileError) -> ReplyTemplate {
        guard !args.isAtEnd else { return fallback }
        _ = try args.keyword(among: ["reply"])
        return try reply(&args, classes: classes)
    }

    /// Reads a quoted reply (after an optional `reply` keyword) and checks its class.
    private func reply(_ args: inout ProfileArguments, classes: Set<Int>) throws(ProfileError) -> ReplyTemplate {
        _ = args.optional(["reply"])
        let token = try args.string("a reply such as \"421 4.7.0 try again later\"")
        func column(_ index: Int) -> Int {
            index < token.characterColumns.count ? token.characterColumns[index] : token.column + 1 + index
        }
        let template: ReplyTemplate
        do { template = try ReplyTemplate(parsing: token.text) } catch {
            throw ProfileError(args.location(column(error.index)), error.message)
        }
        guard classes.contains(template.code / 100) else {
            let wanted = classes.sorted().map { "\($0)xx" }.joined(separator: " or ")
            throw ProfileError(args.location(column(0)), "'\(args.line.name.text)' needs a \(wanted) reply, found \(template.code)")
        }
        return template
    }

    private func unknown(_ line: ProfileLine, among names: [String], inIncident: Bool) -> ProfileError {
        let name = line.name.text
        var message = "unknown directive '\(name)'\(inIncident ? " inside <incident>" : "")"
        if let near = names.min(by: { editDistance($0, name) < editDistance($1, name) }), editDistance(near, name) <= 3 {
            message += "; did you mean '\(near)'?"
        } else if !inIncident, ProfileParser.incidentDirectives.contains(name) {
            message += "; it belongs inside <incident START-END>"
        } else {
            message += "; known: \(names.joined(separator: ", "))"
        }
        return ProfileError(location(line, line.name.column), message)
    }

    private func location(_ line: ProfileLine, _ column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line.line, column: max(1, column))
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.lowercased()), b = Array(b.lowercased())
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
