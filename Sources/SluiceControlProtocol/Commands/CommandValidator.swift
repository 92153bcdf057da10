import SluiceConfig
import SluiceBase

/// Checks commands before they reach the node, so bad input is refused with a clear message and
/// the node only ever sees well-formed actions. Pure: no I/O.
public enum CommandValidator {
    /// The longest TTL accepted (`--for`): one year.
    public static let maxTTLSeconds = 366 * 86_400
    /// The most rows a `topDomains` or `events` query may ask for.
    public static let maxLimit = 10_000

    /// The event kinds a filter may name.
    public static let eventKinds: Set<String> = ["delivered", "deferred", "bounced", "expired",
                                                 "source-disabled", "source-enabled"]

    /// Validates a query.
    ///
    /// - Throws: ``ControlError`` `usage` for out-of-range limits or unknown event kinds.
    public static func validate(query command: ControlOperation) throws(ControlError) {
        switch command {
        case .topDomains(let limit):
            guard (1...maxLimit).contains(limit) else { throw ControlError(.usage, "limit must be between 1 and \(maxLimit)") }
        case .events(let filter):
            guard (1...maxLimit).contains(filter.limit) else { throw ControlError(.usage, "limit must be between 1 and \(maxLimit)") }
            if let kind = filter.kind, !eventKinds.contains(kind) {
                throw ControlError(.usage, "unknown event kind '\(kind)': expected one of \(eventKinds.sorted().joined(separator: ", "))")
            }
        case .replyRuleDryRun(let pattern):
            try validate(replyPattern: pattern)
        default:
            break
        }
    }

    /// Validates a mutating command and its TTL.
    ///
    /// - Throws: ``ControlError`` `usage` for a target of the wrong kind, a bad mode, a TTL on an
    ///   action that takes none; `bad-setting` for an unknown, non-throttle or badly valued directive.
    public static func validate(_ command: ControlCommand, ttlSeconds: Int?) throws(ControlError) {
        if let ttl = ttlSeconds {
            guard command.acceptsTTL else { throw ControlError(.usage, "\(command.verb) does not take a duration (--for)") }
            guard (1...maxTTLSeconds).contains(ttl) else {
                throw ControlError(.usage, "the duration must be between 1s and 366d")
            }
        }
        switch command {
        case .hold(let domain), .release(let domain):
            guard case .domain = try ControlTarget.domainOrQueue(domain) else {
                throw ControlError(.usage, "\(command.verb) applies to a domain; pause a queue instead")
            }
        case .pause(let target), .resume(let target):
            if case .domain(let d) = target {
                throw ControlError(.usage, "\(command.verb) applies to a vmta, a queue or a job; use hold/release for domain \(d)")
            }
        case .setMode(let target, let mode):
            try requireDomainOrQueue(target, command)
            guard QueueMode(rawValue: mode) != nil else {
                throw ControlError(.usage, "unknown mode '\(mode)': expected normal or backoff")
            }
        case .setThrottle(let target, let settings, _):
            try requireDomainOrQueue(target, command)
            try validate(throttle: settings)
        case .addReplyRule(let target, let pattern, let actions):
            try requireDomainOrQueue(target, command)
            try validate(replyPattern: pattern)
            do { _ = try SMTPPatternAction.parseList(actions) } catch { throw ControlError(.badSetting, "actions: \(error)") }
        case .schedule(let target):
            try requireDomainOrQueue(target, command)
        case .delete(let target, _):
            if case .vmta(let v) = target {
                throw ControlError(.usage, "delete applies to a domain, a queue (DOMAIN/VMTA) or a job, not vmta \(v)")
            }
        case .reload:
            break
        case .cancelControl(let id):
            guard !id.isEmpty, id.count <= 64, id.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
                throw ControlError(.usage, "'\(id)' is not a control id")
            }
        }
    }

    /// Checks that each directive exists, may be overridden live, appears once and has a valid value.
    public static func validate(throttle settings: [ThrottleSetting]) throws(ControlError) {
        guard !settings.isEmpty else { throw ControlError(.usage, "give at least one DIRECTIVE=VALUE") }
        var seen: Set<String> = []
        for setting in settings {
            let name = setting.directive.lowercased()
            guard let directive = DomainDirective.named(name) else {
                let hint = DomainDirective.nearest(to: name).map { "; did you mean '\($0)'?" } ?? ""
                throw ControlError(.badSetting, "unknown directive '\(setting.directive)'\(hint)")
            }
            guard directive.isThrottle else {
                throw ControlError(.badSetting, "\(directive.name) cannot be changed live; edit the config and reload")
            }
            guard seen.insert(directive.name).inserted else {
                throw ControlError(.badSetting, "\(directive.name) is given twice")
            }
            do { try directive.validate(setting.value) } catch {
                throw ControlError(.badSetting, "\(directive.name): \(error)")
            }
        }
    }

    /// Parses `DIRECTIVE=VALUE` words as the CLI and the console's editor take them.
    ///
    /// - Throws: ``ControlError`` `usage` for a word without `=`.
    public static func parseThrottleWords(_ words: [String]) throws(ControlError) -> [ThrottleSetting] {
        var out: [ThrottleSetting] = []
        for word in words {
            guard let eq = word.firstIndex(of: "="), eq != word.startIndex else {
                throw ControlError(.usage, "'\(word)' is not DIRECTIVE=VALUE (e.g. max-msg-rate=50/s)")
            }
            out.append(ThrottleSetting(directive: String(word[..<eq]).lowercased(),
                                       value: String(word[word.index(after: eq)...])))
        }
        return out
    }

    /// Parses a `--for`/`"for"` duration such as `30m` into whole seconds.
    public static func ttlSeconds(_ text: String) throws(ControlError) -> Int {
        do {
            let span = try TimeSpan(parsing: text)
            guard span.milliseconds > 0 else { throw ControlError(.usage, "the duration must be positive") }
            return Int((span.milliseconds + 999) / 1000)
        } catch let error as ValueError {
            throw ControlError(.usage, "\(error)")
        } catch let error as ControlError {
            throw error
        } catch {
            throw ControlError(.usage, "bad duration '\(text)'")
        }
    }

    /// Checks a reply rule's pattern (``SluiceConfig/PatternRegex/forLiveUse(_:)``).
    private static func validate(replyPattern pattern: String) throws(ControlError) {
        do { _ = try PatternRegex.forLiveUse(pattern) } catch { throw ControlError(.badSetting, "pattern: \(error)") }
    }

    private static func requireDomainOrQueue(_ target: ControlTarget, _ command: ControlCommand) throws(ControlError) {
        switch target {
        case .vmta(let v):
            throw ControlError(.usage, "\(command.verb) applies to a domain or a queue (DOMAIN/VMTA), not vmta \(v)")
        case .job(let j):
            throw ControlError(.usage, "\(command.verb) applies to a domain or a queue (DOMAIN/VMTA), not job \(j)")
        case .domain, .queue:
            break
        }
    }
}
