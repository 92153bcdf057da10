/// A bounce category (the `bounceCat` accounting field): one of PowerMTA's standard categories,
/// or a name a configuration invents in its `<bounce-category-patterns>` (real configurations use
/// names such as `spam-issue` or `AOL-RTR-block`; PowerMTA records them as written).
///
/// Only the standard categories carry meaning elsewhere (a `bad-mailbox` bounce is a hard
/// bounce); an invented one is recorded and counted under its own name.
public struct BounceCategory: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The name as written in the configuration (standard names are lowercase).
    public let rawValue: String

    /// A category named `rawValue`.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The name.
    public var description: String { rawValue }

    /// The standard category with this name (compared case-insensitively), if there is one.
    public static func standard(named name: String) -> BounceCategory? {
        let lowered = name.lowercased()
        return standard.first { $0.rawValue == lowered }
    }

    /// True for one of PowerMTA's standard categories.
    public var isStandard: Bool { BounceCategory.standard.contains(self) }

    public static let badMailbox = BounceCategory(rawValue: "bad-mailbox")
    public static let badDomain = BounceCategory(rawValue: "bad-domain")
    public static let inactiveMailbox = BounceCategory(rawValue: "inactive-mailbox")
    public static let quotaIssues = BounceCategory(rawValue: "quota-issues")
    public static let policyRelated = BounceCategory(rawValue: "policy-related")
    public static let spamRelated = BounceCategory(rawValue: "spam-related")
    public static let routingErrors = BounceCategory(rawValue: "routing-errors")
    public static let noAnswerFromHost = BounceCategory(rawValue: "no-answer-from-host")
    public static let messageExpired = BounceCategory(rawValue: "message-expired")
    public static let badConnection = BounceCategory(rawValue: "bad-connection")
    public static let contentRelated = BounceCategory(rawValue: "content-related")
    public static let protocolErrors = BounceCategory(rawValue: "protocol-errors")
    public static let relayingIssues = BounceCategory(rawValue: "relaying-issues")
    public static let invalidSender = BounceCategory(rawValue: "invalid-sender")
    public static let virusRelated = BounceCategory(rawValue: "virus-related")
    public static let badConfiguration = BounceCategory(rawValue: "bad-configuration")
    public static let other = BounceCategory(rawValue: "other")
    /// Not a bounce: PowerMTA's stock list maps 2xx status codes to it. Never assigned to a bounce.
    public static let success = BounceCategory(rawValue: "success")

    /// PowerMTA's standard categories.
    public static let standard: [BounceCategory] = [
        .badMailbox, .badDomain, .inactiveMailbox, .quotaIssues, .policyRelated, .spamRelated, .routingErrors,
        .noAnswerFromHost, .messageExpired, .badConnection, .contentRelated, .protocolErrors, .relayingIssues,
        .invalidSender, .virusRelated, .badConfiguration, .other, .success,
    ]
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
