import SluiceConfig

/// What an operator control applies to.
public enum ControlTarget: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Every queue of a destination domain (lowercase).
    case domain(String)
    /// Every queue of a virtual MTA.
    case vmta(String)
    /// One queue.
    case queue(QueueKey)

    /// True when the target covers `key`.
    public func covers(_ key: QueueKey) -> Bool {
        switch self {
        case .domain(let d): return key.domain == d
        case .vmta(let v): return key.vmta == v
        case .queue(let q): return key == q
        }
    }

    /// `gmail.com`, `vmta vmta1` or `gmail.com/vmta1`.
    public var description: String {
        switch self {
        case .domain(let d): return d
        case .vmta(let v): return "vmta \(v)"
        case .queue(let q): return q.description
        }
    }

    /// Lowercases a domain.
    var normalized: ControlTarget {
        if case .domain(let d) = self { return .domain(d.lowercased()) }
        return self
    }
}

/// A lasting operator control.
public enum ControlKind: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Nothing new starts for the target's queues (a domain: every queue of it).
    case hold(ControlTarget)
    /// Like hold, for a virtual MTA or one queue (PowerMTA's pause).
    case pause(ControlTarget)
    /// A throttle directive overridden for a domain or a queue; the configured value returns when
    /// the control ends.
    case throttle(ControlTarget, directive: String, value: String)

    /// The target.
    public var target: ControlTarget {
        switch self {
        case .hold(let t), .pause(let t), .throttle(let t, _, _): return t
        }
    }

    /// `hold gmail.com`, `pause vmta vmta1`, `throttle gmail.com max-msg-rate=10/s`.
    public var description: String {
        switch self {
        case .hold(let t): return "hold \(t)"
        case .pause(let t): return "pause \(t)"
        case .throttle(let t, let d, let v): return "throttle \(t) \(d)=\(v)"
        }
    }

    /// Two controls with the same slot replace one another.
    func replaces(_ other: ControlKind) -> Bool {
        switch (self, other) {
        case (.hold(let a), .hold(let b)), (.pause(let a), .pause(let b)): return a == b
        case (.throttle(let a, let d1, _), .throttle(let b, let d2, _)): return a == b && d1 == d2
        default: return false
        }
    }
}

/// An active control with its audit fields; Codable so it can be persisted and listed.
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
}

/// Who asks for a control, why, and for how long.
public struct ControlRequest: Hashable, Sendable {
    /// Who asks, in full (`alice (uid 1000) via cli`); recorded in the control.
    public var who: String
    /// The operator's reason.
    public var why: String
    /// How long a lasting control stays; nil for until released.
    public var duration: TimeSpan?
    /// The client label (`console`, `cli`, `http:TOKENID`): the origin of a throttle override.
    /// Nil uses ``who`` as the origin.
    public var client: String?

    /// Creates a request.
    public init(who: String, why: String = "", duration: TimeSpan? = nil, client: String? = nil) {
        self.who = who
        self.why = why
        self.duration = duration
        self.client = client
    }
}

/// An operator command; each takes effect immediately.
public enum ControlCommand: Hashable, Sendable {
    /// Hold every queue of a domain: nothing new starts, transactions in flight finish.
    case hold(domain: String)
    /// Ends a domain's hold.
    case release(domain: String)
    /// Pause a virtual MTA (``ControlTarget/vmta(_:)``) or one queue (``ControlTarget/queue(_:)``).
    case pause(ControlTarget)
    /// Ends a pause.
    case resume(ControlTarget)
    /// Switches the queues of a domain or a queue to a mode now (backoff-to-normal-after and the
    /// smtp-pattern-list may switch them again later, as in PowerMTA).
    case setMode(ControlTarget, QueueMode)
    /// Overrides a throttle directive for a domain or a queue (for the request's duration, if any).
    case overrideThrottle(ControlTarget, directive: String, value: String)
    /// Removes overrides of a target: one directive's, or all when nil.
    case clearOverrides(ControlTarget, directive: String?)
    /// Retry now: deferred recipients of the target's queues become due.
    case schedule(ControlTarget)
    /// Deletes the queued recipients of the target's queues, silently or as bounces.
    case delete(ControlTarget, asBounces: Bool)
    /// Removes the control with this id.
    case cancel(id: UInt64)
}

/// Why a command was refused.
public enum ControlError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The directive is not a throttle an operator may override.
    case notAThrottle(String)
    /// The directive is unknown or the value is malformed.
    case badSetting(SettingError)
    /// No virtual MTA has that name.
    case unknownVirtualMTA(String)
    /// The target has no queue.
    case unknownQueue(String)
    /// No active control has that id.
    case unknownControl(UInt64)
    /// The target does not fit the command (e.g. holding a vmta: use pause).
    case badTarget(String)

    /// One line for the operator.
    public var description: String {
        switch self {
        case .notAThrottle(let d): return "'\(d)' is not a throttle directive that can be overridden"
        case .badSetting(let e): return e.description
        case .unknownVirtualMTA(let v): return "unknown virtual MTA '\(v)'"
        case .unknownQueue(let q): return "no queue matches '\(q)'"
        case .unknownControl(let id): return "no active control #\(id)"
        case .badTarget(let why): return why
        }
    }
}
