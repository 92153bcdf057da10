/// What a `<pattern-list>` line matches: the envelope sender or a recipient.
public enum PatternListField: String, Hashable, Sendable, CaseIterable {
    /// `mail-from /re/ …`: the envelope sender.
    case mailFrom = "mail-from"
    /// `rcpt-to /re/ …`: the recipient.
    case rcptTo = "rcpt-to"
}

/// One line of a `<pattern-list>`: `mail-from /re/ virtual-mta=NAME`.
public struct PatternListRule: Hashable, Sendable {
    /// The envelope field matched.
    public var field: PatternListField
    /// The pattern.
    public var regex: PatternRegex
    /// The vmta or pool a match routes to.
    public var virtualMTA: String
    /// Where the line is.
    public var location: SourceLocation

    /// Creates a rule.
    public init(field: PatternListField, regex: PatternRegex, virtualMTA: String, location: SourceLocation) {
        self.field = field
        self.regex = regex
        self.virtualMTA = virtualMTA
        self.location = location
    }
}

/// A `<pattern-list NAME>` block, referenced by `pattern-list NAME` in a `<source>`.
public struct PatternList: Hashable, Sendable {
    /// The list's name.
    public var name: String
    /// Rules in file order; the first match wins.
    public var rules: [PatternListRule]
    /// Where the block opens.
    public var location: SourceLocation

    /// Creates a list.
    public init(name: String, rules: [PatternListRule], location: SourceLocation) {
        self.name = name
        self.rules = rules
        self.location = location
    }

    /// The vmta or pool named by the first rule matching the sender or the recipient, or nil.
    public func virtualMTA(mailFrom: String, rcptTo: String) -> String? {
        rules.first { $0.regex.matches($0.field == .mailFrom ? mailFrom : rcptTo) }?.virtualMTA
    }
}

/// A `<smtp-user NAME>` block: credentials for SMTP AUTH.
public struct SMTPUser: Hashable, Sendable {
    /// The user name.
    public var name: String
    /// `password`: the shared secret.
    public var password: String?
    /// `source {name}`: the named `<source>` policy applied once the user has authenticated.
    public var sourceName: String?
    /// Where the block opens.
    public var location: SourceLocation

    /// Creates a user.
    public init(name: String, password: String? = nil, sourceName: String? = nil, location: SourceLocation) {
        self.name = name
        self.password = password
        self.sourceName = sourceName
        self.location = location
    }
}

/// An `<mx-rollup-list [NAME]>` block: domains whose MX hosts match a pattern share one queue.
///
/// Each line is `mx HOST-PATTERN [QUEUE-NAME]`, e.g. `mx *.google.com gmail.rollup`; without a
/// queue name the pattern itself names the rolled-up queue.
public struct MXRollupList: Hashable, Sendable {
    /// One `mx` line.
    public struct Entry: Hashable, Sendable {
        /// The MX host pattern: `*.google.com` or an exact host name (lower case).
        public var hostPattern: String
        /// The queue name the matching domains share.
        public var queueName: String
        /// Where the line is.
        public var location: SourceLocation

        /// Creates an entry.
        public init(hostPattern: String, queueName: String, location: SourceLocation) {
            self.hostPattern = hostPattern
            self.queueName = queueName
            self.location = location
        }

        /// True when `host` (an MX host name) matches the pattern.
        public func matches(_ host: String) -> Bool {
            let h = host.lowercased()
            if hostPattern.hasPrefix("*.") { return h.hasSuffix(String(hostPattern.dropFirst())) }
            return h == hostPattern
        }
    }

    /// The list's name (`default` for an unnamed block).
    public var name: String
    /// The lines in file order.
    public var entries: [Entry]
    /// Where the block opens.
    public var location: SourceLocation

    /// Creates a list.
    public init(name: String, entries: [Entry], location: SourceLocation) {
        self.name = name
        self.entries = entries
        self.location = location
    }

    /// The rolled-up queue name for the first entry matching `mxHost`, or nil.
    public func queueName(forMX mxHost: String) -> String? {
        entries.first { $0.matches(mxHost) }?.queueName
    }
}
