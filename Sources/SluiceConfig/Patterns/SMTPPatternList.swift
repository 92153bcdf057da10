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
