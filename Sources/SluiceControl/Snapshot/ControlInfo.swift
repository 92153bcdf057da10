/// An active operator control as the control plane reports it: a hold, a pause, a mode or a
/// throttle override, with who set it, why and until when.
public struct ControlInfo: Codable, Hashable, Sendable {
    /// The control's id, used to cancel it (`sluice cancel ID`, the console's undo).
    public var id: String
    /// `hold`, `pause`, `mode` or `throttle`.
    public var kind: String
    /// What it applies to: a domain (`gmail.com`), a vmta (`vmta1`) or a queue (`gmail.com/vmta1`).
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
    public init(id: String, kind: String, target: String, detail: String, who: String, why: String,
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
