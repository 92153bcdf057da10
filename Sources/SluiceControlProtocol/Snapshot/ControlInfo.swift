/// An active operator control as the control plane reports it: a hold, a pause, a throttle
/// override or a reply rule, with who set it, why and until when.
public struct ControlInfo: Codable, Hashable, Sendable {
    /// What kind of control it is; encoded as its raw value (`"hold"`, `"pause"`, `"throttle"`, `"reply-rule"`).
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        /// A held domain (`hold DOMAIN`).
        case hold
        /// A paused vmta or queue (`pause TARGET`).
        case pause
        /// A live throttle override (`set throttle`).
        case throttle
        /// A live reply rule tried before the smtp-pattern-list (`sluice reply-rule`, the Patterns view).
        case replyRule = "reply-rule"
    }

    /// The control's id, used to cancel it (`sluice cancel ID`, the console's undo).
    public var id: String
    /// Hold, pause or throttle.
    public var kind: Kind
    /// What it applies to: a domain (`gmail.com`), a vmta (`vmta1`), a queue (`gmail.com/vmta1`) or a job
    /// (`job newsletter-2611`).
    public var target: String
    /// A short human summary, e.g. `max-msg-rate=20/s` or `backoff`.
    public var detail: String
    /// Who set it: a user name with uid, a token id, or `console`.
    public var who: String
    /// Why, as the operator typed it.
    public var why: String
    /// Unix time (seconds) when it was set.
    public var createdAt: Double
    /// Unix time (seconds) when it expires, or nil for never.
    public var expiresAt: Double?

    /// Creates a control description.
    public init(id: String, kind: Kind, target: String, detail: String, who: String, why: String,
                createdAt: Double, expiresAt: Double?) {
        self.id = id
        self.kind = kind
        self.target = target
        self.detail = detail
        self.who = who
        self.why = why
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, target, detail, who, why
        case createdAt = "created_at"
        case expiresAt = "expires_at"
    }
}
