/// The console's views, on keys 1–7.
public enum ConsoleView: Int, Hashable, Sendable, CaseIterable {
    /// A row per destination domain.
    case domains = 1
    /// A row per queue, domain/vmta.
    case queues
    /// A row per virtual MTA (sending IP).
    case vmtas
    /// The live dsnDiag tail.
    case diagnostics
    /// Everything about one domain, queue or vmta.
    case detail
    /// Deferral and bounce replies clustered into templates.
    case patterns
    /// A row per job (X-Job): its progress through every queue it has mail in.
    case jobs

    /// The tab title.
    public var title: String {
        switch self {
        case .domains: "Domains"
        case .queues: "Queues"
        case .vmtas: "VMTAs"
        case .diagnostics: "Diagnostics"
        case .detail: "Detail"
        case .patterns: "Patterns"
        case .jobs: "Jobs"
        }
    }
}

/// What the Detail view shows.
public enum DetailTarget: Hashable, Sendable {
    /// A destination domain across its vmtas.
    case domain(String)
    /// One queue, `domain/vmta`.
    case queue(String)
    /// One virtual MTA.
    case vmta(String)

    /// The domain, queue or vmta name.
    public var name: String {
        switch self {
        case .domain(let n), .queue(let n), .vmta(let n): n
        }
    }

    /// The domain the target belongs to, for holds (nil for a vmta).
    public var domain: String? {
        switch self {
        case .domain(let d): d
        case .queue(let q): String(q.split(separator: "/", maxSplits: 1).first ?? Substring(q))
        case .vmta: nil
        }
    }

    /// True when `control` applies to this target: its own, its domain's, its vmta's, or (for a
    /// domain or vmta) one of its queues'.
    public func isAffected(by control: ControlTargetName) -> Bool {
        let t = control.target
        switch self {
        case .domain(let d): return t == d || t.hasPrefix(d + "/")
        case .vmta(let v): return t == v || t.hasSuffix("/" + v)
        case .queue(let q):
            let parts = q.split(separator: "/", maxSplits: 1).map(String.init)
            return t == q || parts.contains(t)
        }
    }
}

/// Anything with a control target name (``ControlInfo`` conforms).
public protocol ControlTargetName {
    /// A domain, vmta or `domain/vmta`.
    var target: String { get }
}
