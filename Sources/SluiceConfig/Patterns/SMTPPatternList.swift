/// A queue's delivery mode: normal throttles, or the backoff-* throttles after a provider pushed back.
public enum QueueMode: String, Hashable, Sendable, CaseIterable {
    /// The normal throttles apply.
    case normal
    /// The backoff-* throttles apply.
    case backoff
}

/// What a matching `reply /re/ …` line of an `<smtp-pattern-list>` does.
public enum SMTPPatternAction: Hashable, Sendable {
    /// `mode=backoff` or `mode=normal`: switch the queue's mode.
    case mode(QueueMode)
    /// `bounce-queue`: bounce every recipient queued for the domain.
    case bounceQueue
    /// `bounce-rcpt`: bounce the recipient the (temporary) reply was for now, instead of
    /// deferring it. A connection that fails as a whole still defers its recipients.
    case bounceRecipient
    /// `disable-source-ip` (optionally `=DURATION`, 1h without): the source address the reply was
    /// given to stops sending to the domain for that long; the vmta's other addresses go on.
    case disableSourceIP(TimeSpan?)

    /// The actions a `reply /re/ …` line takes.
    public static let expectedActions = "mode=backoff, mode=normal, bounce-queue, bounce-rcpt or disable-source-ip[=DURATION]"

    /// Reads one action as written in a `reply /re/ ACTION…` line (case-insensitive).
    ///
    /// - Throws: ``ValueError`` for an unknown action or a bad `disable-source-ip` duration.
    public init(parsing word: String) throws(ValueError) {
        let text = word.lowercased()
        switch text {
        case "mode=backoff": self = .mode(.backoff)
        case "mode=normal": self = .mode(.normal)
        case "bounce-queue": self = .bounceQueue
        case "bounce-rcpt": self = .bounceRecipient
        case "disable-source-ip": self = .disableSourceIP(nil)
        default:
            let prefix = "disable-source-ip="
            guard text.hasPrefix(prefix) else { throw ValueError(expected: Self.expectedActions, found: word) }
            self = .disableSourceIP(try TimeSpan(parsing: String(text.dropFirst(prefix.count))))
        }
    }

    /// Reads the actions of a rule, separated by white space (`disable-source-ip=1h mode=backoff`).
    ///
    /// - Throws: ``ValueError`` for no action, or the first bad one.
    public static func parseList(_ text: String) throws(ValueError) -> [SMTPPatternAction] {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard !words.isEmpty else { throw ValueError(expected: "at least one action: \(expectedActions)", found: text) }
        var actions: [SMTPPatternAction] = []
        for word in words { actions.append(try SMTPPatternAction(parsing: word)) }
        return actions
    }
}

/// One `reply /re/ ACTION…` line.
public struct SMTPPatternRule: Hashable, Sendable {
    /// Matched against the whole remote reply, e.g. `421 4.7.0 Try again later`.
    public var regex: PatternRegex
    /// What a match does, in the order written.
    public var actions: [SMTPPatternAction]
    /// Where the line is, for diagnostics and origins.
    public var location: SourceLocation?

    /// Creates a rule.
    public init(regex: PatternRegex, actions: [SMTPPatternAction], location: SourceLocation? = nil) {
        self.regex = regex
        self.actions = actions
        self.location = location
    }
}

/// An `<smtp-pattern-list NAME>` block: rules tried in order, the first match wins.
public struct SMTPPatternList: Hashable, Sendable {
    /// The list's name, referenced by `smtp-pattern-list NAME` in `<domain>`.
    public var name: String
    /// The rules in file order.
    public var rules: [SMTPPatternRule]
    /// Where the block opens.
    public var location: SourceLocation?

    /// Creates a list.
    public init(name: String, rules: [SMTPPatternRule], location: SourceLocation? = nil) {
        self.name = name
        self.rules = rules
        self.location = location
    }

    /// The first rule whose pattern matches `reply`, or nil.
    public func firstMatch(_ reply: String) -> SMTPPatternRule? {
        rules.first { $0.regex.matches(reply) }
    }
}
