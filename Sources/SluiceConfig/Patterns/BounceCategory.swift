/// PowerMTA's bounce categories (the `bounceCat` accounting field).
public enum BounceCategory: String, Hashable, Sendable, CaseIterable {
    case badMailbox = "bad-mailbox"
    case badDomain = "bad-domain"
    case inactiveMailbox = "inactive-mailbox"
    case quotaIssues = "quota-issues"
    case policyRelated = "policy-related"
    case spamRelated = "spam-related"
    case routingErrors = "routing-errors"
    case noAnswerFromHost = "no-answer-from-host"
    case messageExpired = "message-expired"
    case badConnection = "bad-connection"
    case contentRelated = "content-related"
    case protocolErrors = "protocol-errors"
    case relayingIssues = "relaying-issues"
    case invalidSender = "invalid-sender"
    case virusRelated = "virus-related"
    case badConfiguration = "bad-configuration"
    case other = "other"
    /// Not a bounce: PowerMTA's stock list maps 2xx status codes to it. Never assigned to a bounce.
    case success = "success"
}

/// One line of `<bounce-category-patterns>`: `/regex/ category`.
public struct BounceCategoryRule: Hashable, Sendable {
    /// Matched against the whole remote reply (or the enhanced status code for `^5\.1\.1`-style rules).
    public var regex: PatternRegex
    /// The category assigned on a match.
    public var category: BounceCategory
    /// Where the line is.
    public var location: SourceLocation?

    /// Creates a rule.
    public init(regex: PatternRegex, category: BounceCategory, location: SourceLocation? = nil) {
        self.regex = regex
        self.category = category
        self.location = location
    }
}
