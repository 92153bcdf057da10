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
}

/// An operator action that changes the node. The node implements these; the command layer
/// validates them first and records who, why and until when.
public enum MutatingCommand: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Stop starting new transactions for every queue of a domain.
    case hold(domain: String)
    /// Undo a hold.
    case release(domain: String)
    /// Stop a vmta or one queue from opening new connections.
    case pause(target: ControlTarget)
    /// Undo a pause.
    case resume(target: ControlTarget)
    /// Force a domain or queue into `normal` or `backoff` mode.
    case setMode(target: ControlTarget, mode: String)
    /// Override throttle directives of a domain or queue; `persist` also writes them to the
    /// override file so they survive a restart.
    case setThrottle(target: ControlTarget, settings: [ThrottleSetting], persist: Bool)
    /// Retry every deferred recipient of a domain or queue now.
    case schedule(target: ControlTarget)
    /// Remove every queued recipient of a domain or queue, as bounces (with DSNs) when `asBounces`.
    case delete(target: ControlTarget, asBounces: Bool)
    /// Re-read the configuration.
    case reload
    /// End an active control early.
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
        case .pause(let t), .resume(let t), .setMode(let t, _), .setThrottle(let t, _, _), .schedule(let t), .delete(let t, _):
            return t.name
        case .reload: return nil
        case .cancelControl(let id): return id
        }
    }

    /// True for the actions that create a lasting control and so accept a TTL (`--for`).
    public var acceptsTTL: Bool {
        switch self {
        case .hold, .pause, .setMode, .setThrottle: return true
        default: return false
        }
    }

    /// `hold gmail.com`, `set-throttle gmail.com/vmta1 max-msg-rate=20/s (persist)`.
    public var description: String {
        var parts = [verb]
        if let t = targetName { parts.append(t) }
        switch self {
        case .setMode(_, let mode): parts.append(mode)
        case .setThrottle(_, let settings, let persist):
            parts += settings.map(\.description)
            if persist { parts.append("(persist)") }
        case .delete(_, let asBounces): if asBounces { parts.append("(dsn)") }
        default: break
        }
        return parts.joined(separator: " ")
    }
}
