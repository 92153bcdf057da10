import SluiceConfig
import SluiceControlProtocol
import SluiceBase

/// One field of a form overlay.
public struct FormField: Hashable, Sendable {
    /// What the field holds.
    public enum Kind: Hashable, Sendable {
        /// A throttle directive's new value, with the current value and its origin when known.
        case directive(name: String, current: String?, origin: String?)
        /// How long the change lasts; empty for until cancelled.
        case ttl
        /// Whether the change survives a restart (a toggle).
        case persist
        /// The operator's reason.
        case reason
        /// The typed confirmation: must equal `expected`.
        case confirm(expected: String)
        /// Whether a delete returns DSNs (bounces) to senders (a toggle).
        case bounce
        /// A reply rule's regular expression.
        case pattern
        /// A reply rule's actions, as in a `reply /re/ …` line.
        case actions
        /// The domain or queue (`domain/vmta`) a reply rule applies to.
        case target
    }

    /// The kind.
    public var kind: Kind
    /// The text input (unused by toggles).
    public var input: TextField
    /// The toggle value (toggles only).
    public var isOn: Bool = false

    /// True for yes/no fields switched with space.
    public var isToggle: Bool {
        switch kind {
        case .persist, .bounce: true
        default: false
        }
    }

    /// The label shown left of the field.
    public var label: String {
        switch kind {
        case .directive(let name, _, _): name
        case .ttl: "for (TTL, e.g. 30m)"
        case .persist: "persist across restarts"
        case .reason: "reason"
        case .confirm(let expected): "type \(expected) to confirm"
        case .bounce: "return DSNs (bounce)"
        case .pattern: "pattern (regex)"
        case .actions: "actions"
        case .target: "domain or queue"
        }
    }

    /// The validation error of the current text, validated by the config parser, or nil.
    public var error: String? {
        let text = input.text.trimmingSpaces
        switch kind {
        case .directive(let name, _, _):
            guard !text.isEmpty, let directive = DomainDirective.named(name) else { return nil }
            do { try directive.validate(text) } catch { return "\(name): \(error)" }
            return nil
        case .ttl:
            guard !text.isEmpty else { return nil }
            do {
                let span = try TimeSpan(parsing: text)
                return span.milliseconds > 0 ? nil : "TTL must be longer than 0s"
            } catch { return "TTL: \(error)" }
        case .confirm(let expected):
            return text == expected ? nil : "type \(expected) exactly to confirm"
        case .pattern:
            guard !text.isEmpty else { return "pattern: an empty one would match every reply" }
            do { _ = try PatternRegex.forLiveUse(text) } catch { return "pattern: \(error)" }
            return nil
        case .actions:
            do { _ = try SMTPPatternAction.parseList(text) } catch { return "actions: \(error)" }
            return nil
        case .target:
            return text.isEmpty || text.contains(" ") ? "a domain, or a queue as domain/vmta" : nil
        case .persist, .bounce, .reason:
            return nil
        }
    }
}

/// A form overlay: the throttle editor, the delete confirmation or the reply-rule form.
public struct FormState: Hashable, Sendable {
    /// Which form.
    public enum Purpose: Hashable, Sendable {
        /// Edit throttles of a domain or queue.
        case throttle(target: String)
        /// Delete a domain's or queue's recipients.
        case delete(target: String)
        /// Delete a job's recipients in every queue.
        case deleteJob(job: String)
        /// Turn a reply template into a reply rule, after a dry run.
        case replyRule(template: String)

        /// True for the reply-rule form.
        public var isReplyRule: Bool {
            if case .replyRule = self { return true }
            return false
        }
    }

    /// The directives the throttle editor offers, in order.
    public static let throttleDirectives = [
        "max-msg-rate", "max-smtp-out", "max-msg-per-connection", "retry-after",
        "backoff-max-msg-rate", "backoff-max-smtp-out", "backoff-retry-after",
    ]

    /// Which form.
    public var purpose: Purpose
    /// The fields, top to bottom.
    public var fields: [FormField]
    /// The focused field.
    public var focus = 0
    /// True while the current settings are being fetched.
    public var loading: Bool
    /// The error of the last submission attempt.
    public var submitError: String?
    /// The reply-rule form's last dry run, for the pattern it names.
    public var dryRun: ReplyRuleDryRunResult?

    /// The throttle editor for `target`, waiting for its settings.
    public static func throttle(target: String) -> FormState {
        let fields = throttleDirectives.map { FormField(kind: .directive(name: $0, current: nil, origin: nil), input: TextField()) }
            + [FormField(kind: .ttl, input: TextField()), FormField(kind: .persist, input: TextField()),
               FormField(kind: .reason, input: TextField("throttled from console", prefilled: true))]
        return FormState(purpose: .throttle(target: target), fields: fields, loading: true)
    }

    /// The delete confirmation for `target`.
    public static func delete(target: String) -> FormState {
        confirmation(.delete(target: target), expected: target)
    }

    /// The delete confirmation for a job.
    public static func delete(job: String) -> FormState {
        confirmation(.deleteJob(job: job), expected: job)
    }

    private static func confirmation(_ purpose: Purpose, expected: String) -> FormState {
        FormState(purpose: purpose, fields: [
            FormField(kind: .confirm(expected: expected), input: TextField()),
            FormField(kind: .bounce, input: TextField()),
            FormField(kind: .reason, input: TextField("deleted from console", prefilled: true)),
        ], loading: false)
    }

    /// The reply-rule form for a template: its pattern, `mode=backoff`, the template's top domain.
    public static func replyRule(template: String, target: String) -> FormState {
        FormState(purpose: .replyRule(template: template), fields: [
            FormField(kind: .pattern, input: TextField(TemplatePattern.pattern(for: template), prefilled: true)),
            FormField(kind: .actions, input: TextField("mode=backoff", prefilled: true)),
            FormField(kind: .target, input: TextField(target, prefilled: true)),
            FormField(kind: .ttl, input: TextField()),
            FormField(kind: .reason, input: TextField("reply rule from console", prefilled: true)),
        ], loading: true)
    }

    /// The pattern typed in a reply-rule form (nil for other forms).
    public var pattern: String? {
        fields.first { $0.kind == .pattern }?.input.text.trimmingSpaces
    }

    /// True when the reply-rule form's dry run is for the pattern as typed now.
    public var dryRunIsCurrent: Bool { dryRun != nil && dryRun?.pattern == pattern }

    /// Fills current values and origins from `settings`, prefilling each directive field with its value.
    public mutating func load(_ settings: SettingsSnapshot) {
        loading = false
        for i in fields.indices {
            guard case .directive(let name, _, _) = fields[i].kind,
                  let entry = settings.entries.first(where: { $0.name == name }) else { continue }
            fields[i].kind = .directive(name: name, current: entry.value, origin: entry.origin)
            if fields[i].input.text.isEmpty { fields[i].input = TextField(entry.value, prefilled: true) }
        }
    }

    /// The request the form describes, or the first reason it cannot be submitted.
    public func request() -> Result<OperatorRequest, OperatorError> {
        if let bad = fields.lazy.compactMap(\.error).first { return .failure(OperatorError(bad)) }
        let reasonText = fields.first { $0.kind == .reason }?.input.text.trimmingSpaces ?? ""
        switch purpose {
        case .throttle(let target):
            var settings: [ThrottleSetting] = []
            var ttl: TimeSpan?
            var persist = false
            for f in fields {
                let text = f.input.text.trimmingSpaces
                switch f.kind {
                case .directive(let name, let current, _) where !text.isEmpty && text != current:
                    settings.append(ThrottleSetting(directive: name, value: text))
                case .ttl where !text.isEmpty: ttl = try? TimeSpan(parsing: text)
                case .persist: persist = f.isOn
                default: break
                }
            }
            guard !settings.isEmpty else { return .failure(OperatorError("nothing changed: edit a value first")) }
            let request = OperatorRequest.setThrottle(target: target, settings: settings, ttl: ttl, persist: persist, reason: "")
            return .success(request.with(reason: reasonText.isEmpty ? request.defaultReason : reasonText))
        case .delete(let target):
            let bounce = fields.first { $0.kind == .bounce }?.isOn ?? false
            let request = OperatorRequest.deleteQueue(target: target, bounce: bounce, reason: "")
            return .success(request.with(reason: reasonText.isEmpty ? request.defaultReason : reasonText))
        case .deleteJob(let job):
            let bounce = fields.first { $0.kind == .bounce }?.isOn ?? false
            let request = OperatorRequest.deleteJob(job: job, bounce: bounce, reason: "")
            return .success(request.with(reason: reasonText.isEmpty ? request.defaultReason : reasonText))
        case .replyRule:
            guard dryRunIsCurrent else { return .failure(OperatorError("dry run first (Enter runs it)")) }
            func text(_ kind: FormField.Kind) -> String { fields.first { $0.kind == kind }?.input.text.trimmingSpaces ?? "" }
            let ttl = text(.ttl).isEmpty ? nil : try? TimeSpan(parsing: text(.ttl))
            let request = OperatorRequest.addReplyRule(target: text(.target), pattern: text(.pattern), actions: text(.actions),
                                                       ttl: ttl, reason: "")
            return .success(request.with(reason: reasonText.isEmpty ? request.defaultReason : reasonText))
        }
    }
}
