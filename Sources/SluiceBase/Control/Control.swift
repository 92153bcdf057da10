import SluiceConfig

/// A lasting operator control.
public enum ControlKind: Hashable, Sendable, CustomStringConvertible {
    /// Nothing new starts for the target's queues (a domain: every queue of it).
    case hold(ControlTarget)
    /// Like hold, for a virtual MTA or one queue (PowerMTA's pause).
    case pause(ControlTarget)
    /// A throttle directive overridden for a domain or a queue; the configured value returns when
    /// the control ends.
    case throttle(ControlTarget, directive: String, value: String)
    /// A reply rule tried before the domain's or queue's smtp-pattern-list: replies matching the
    /// regular expression `pattern` get `actions` (as written in a `reply /re/ …` line).
    case replyRule(ControlTarget, pattern: String, actions: String)

    /// The target.
    public var target: ControlTarget {
        switch self {
        case .hold(let t), .pause(let t), .throttle(let t, _, _), .replyRule(let t, _, _): return t
        }
    }

    /// `hold gmail.com`, `pause vmta vmta1`, `throttle gmail.com max-msg-rate=10/s`.
    public var description: String {
        switch self {
        case .hold(let t): return "hold \(t)"
        case .pause(let t): return "pause \(t)"
        case .throttle(let t, let d, let v): return "throttle \(t) \(d)=\(v)"
        case .replyRule(let t, let p, let a): return "reply-rule \(t) /\(p)/ \(a)"
        }
    }

    /// Two controls with the same slot replace one another.
    package func replaces(_ other: ControlKind) -> Bool {
        switch (self, other) {
        case (.hold(let a), .hold(let b)), (.pause(let a), .pause(let b)): return a == b
        case (.throttle(let a, let d1, _), .throttle(let b, let d2, _)): return a == b && d1 == d2
        case (.replyRule(let a, let p1, _), .replyRule(let b, let p2, _)): return a == b && p1 == p2
        default: return false
        }
    }
}

/// An active control with its audit fields; Codable so it can be persisted (the node keeps one
/// file per control in the spool) and listed. Its JSON:
/// `{"id":1,"kind":…,"who":"…","why":"…","createdAt":MS,"expiresAt":MS,"client":"cli"}`, the
/// last two only when set (``ControlKind`` gives the form of `kind`).
public struct Control: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Unique within the engine's life (and across restarts once restored).
    public var id: UInt64
    /// What it does.
    public var kind: ControlKind
    /// Who set it, in full (`alice (uid 1000) via cli`, `token ops`, `smtp-pattern-list:gmail`).
    public var who: String
    /// Why.
    public var why: String
    /// When it was set.
    public var createdAt: Instant
    /// When it ends on its own, or nil.
    public var expiresAt: Instant?
    /// The kind of client that set it (`console`, `cli`, `http:TOKENID`): the origin a throttle
    /// override shows. Nil for controls persisted before the field existed; ``originLabel`` then
    /// falls back to ``who``.
    public var client: String?

    /// Creates a control.
    public init(id: UInt64, kind: ControlKind, who: String, why: String, createdAt: Instant, expiresAt: Instant?,
                client: String? = nil) {
        self.id = id
        self.kind = kind
        self.who = who
        self.why = why
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.client = client
    }

    /// The origin label of the settings this control overrides: the client label, else ``who``.
    public var originLabel: String { client ?? who }

    /// `#3 hold gmail.com by console until 1200.000: complaints`.
    public var description: String {
        var s = "#\(id) \(kind) by \(who)"
        if let expiresAt { s += " until \(expiresAt)" }
        if !why.isEmpty { s += ": \(why)" }
        return s
    }

    private enum CodingKeys: String, CodingKey {
        case id, kind, who, why, createdAt, expiresAt, client
    }
}
