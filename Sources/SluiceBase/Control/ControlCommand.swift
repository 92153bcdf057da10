/// One directive of a throttle override, e.g. `max-msg-rate` = `20/s`.
public struct ThrottleSetting: Codable, Hashable, Sendable, CustomStringConvertible {
    /// The directive's name (one with ``SluiceConfig/DomainDirective/isThrottle``).
    public var directive: String
    /// The value as the config would spell it.
    public var value: String

    /// Creates a setting.
    public init(directive: String, value: String) {
        self.directive = directive
        self.value = value
    }

    /// `max-msg-rate=20/s`.
    public var description: String { "\(directive)=\(value)" }

    private enum CodingKeys: String, CodingKey { case directive, value }
}

/// An operator action that changes the node, in the one form the CLI, the console, the HTTP
/// API, the audit log, the node and the engine share. The control plane validates it, the node
/// performs `reload` and the `persist` of a throttle, and the engine the rest
/// (``DeliveryEngine/apply(_:by:now:)``).
///
/// JSON (on the control socket and in the audit log) is one key naming the action:
/// `{"hold":{"domain":"gmail.com"}}`, `{"pause":{"target":{"vmta":"vmta1"}}}`, `{"reload":{}}`
/// (see `ControlCommand+Codable.swift`).
public enum ControlCommand: Hashable, Sendable, CustomStringConvertible {
    /// Stop starting new transactions for every queue of a domain.
    case hold(domain: String)
    /// Undo a hold.
    case release(domain: String)
    /// Stop a vmta or one queue from opening new connections.
    case pause(target: ControlTarget)
    /// Undo a pause.
    case resume(target: ControlTarget)
    /// Force a domain or queue into `normal` or `backoff` mode (backoff-to-normal-after and the
    /// smtp-pattern-list may switch it again later, as in PowerMTA).
    case setMode(target: ControlTarget, mode: String)
    /// Override throttle directives of a domain or queue; `persist` also writes them to the
    /// override file so they survive a restart.
    case setThrottle(target: ControlTarget, settings: [ThrottleSetting], persist: Bool)
    /// Add a reply rule to a domain's or queue's smtp-pattern-list, tried before the configured
    /// rules: replies matching `pattern` (a regular expression) get `actions`, written as in a
    /// `reply /re/ ACTION…` line (`mode=backoff`, `disable-source-ip=1h`, `bounce-rcpt`,
    /// `bounce-queue`). A lasting control: audited, with a TTL, persisted, cancelled like the others.
    case addReplyRule(target: ControlTarget, pattern: String, actions: String)
    /// Retry every deferred recipient of a domain or queue now.
    case schedule(target: ControlTarget)
    /// Remove every queued recipient of a domain or queue, as bounces (with DSNs) when `asBounces`.
    case delete(target: ControlTarget, asBounces: Bool)
    /// Re-read the configuration.
    case reload
    /// End an active control early (`7` or `#7`).
    case cancelControl(id: String)

    /// The verb as the audit log and the CLI name it: `hold`, `set-throttle`, …
    public var verb: String {
        switch self {
        case .hold: return "hold"
        case .release: return "release"
        case .pause: return "pause"
        case .resume: return "resume"
        case .setMode: return "set-mode"
        case .setThrottle: return "set-throttle"
        case .addReplyRule: return "reply-rule"
        case .schedule: return "schedule"
        case .delete: return "delete"
        case .reload: return "reload"
        case .cancelControl: return "cancel"
        }
    }

    /// The target as written (`gmail.com`, `vmta1`, `gmail.com/vmta1`), or nil for reload.
    public var targetName: String? {
        switch self {
        case .hold(let d), .release(let d): return d
        case .pause(let t), .resume(let t), .setMode(let t, _), .setThrottle(let t, _, _), .addReplyRule(let t, _, _),
             .schedule(let t), .delete(let t, _):
            return t.name
        case .reload: return nil
        case .cancelControl(let id): return id
        }
    }

    /// True for the actions that create a lasting control and so accept a TTL (`--for`).
    public var acceptsTTL: Bool {
        switch self {
        case .hold, .pause, .setMode, .setThrottle, .addReplyRule: return true
        default: return false
        }
    }

    /// The number of a control id as an operator writes it (`7` or `#7`), or nil.
    public static func controlNumber(_ id: String) -> UInt64? {
        UInt64(id.hasPrefix("#") ? String(id.dropFirst()) : id)
    }

    /// `hold gmail.com`, `set-throttle gmail.com/vmta1 max-msg-rate=20/s (persist)`, `pause job newsletter-2611`.
    public var description: String {
        var parts = [verb]
        switch self {
        case .pause(.job(let j)), .resume(.job(let j)), .delete(.job(let j), _): parts.append("job \(j)")
        default: if let t = targetName { parts.append(t) }
        }
        switch self {
        case .setMode(_, let mode): parts.append(mode)
        case .setThrottle(_, let settings, let persist):
            parts += settings.map(\.description)
            if persist { parts.append("(persist)") }
        case .addReplyRule(_, let pattern, let actions): parts += ["/\(pattern)/", actions]
        case .delete(_, let asBounces): if asBounces { parts.append("(dsn)") }
        default: break
        }
        return parts.joined(separator: " ")
    }
}
