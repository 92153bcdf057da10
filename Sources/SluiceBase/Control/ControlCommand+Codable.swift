/// The JSON of a command, written out so that it cannot drift: the control socket speaks it and
/// the audit log keeps it. One key names the action and holds an object of its arguments —
/// the shape Swift's synthesized `Codable` gave the control plane's `MutatingCommand`, which
/// this type replaces: `{"hold":{"domain":"gmail.com"}}`, `{"setMode":{"target":…,"mode":"backoff"}}`,
/// `{"setThrottle":{"target":…,"settings":[{"directive":…,"value":…}],"persist":false}}`,
/// `{"delete":{"target":…,"asBounces":true}}`, `{"addReplyRule":{"target":…,"pattern":"…","actions":"mode=backoff"}}`, `{"reload":{}}`, `{"cancelControl":{"id":"7"}}`.
extension ControlCommand: Codable {
    private enum Action: String, CodingKey {
        case hold, release, pause, resume, setMode, setThrottle, addReplyRule, schedule, delete, reload, cancelControl
    }

    private enum Argument: String, CodingKey {
        case domain, target, mode, settings, persist, asBounces, id, pattern, actions
    }

    /// Decodes the one-key form.
    ///
    /// - Throws: `DecodingError` for anything but exactly one known key with its arguments.
    public init(from decoder: any Decoder) throws {
        let outer = try decoder.container(keyedBy: Action.self)
        guard outer.allKeys.count == 1, let action = outer.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "a command is an object with exactly one key naming it"))
        }
        let c = try outer.nestedContainer(keyedBy: Argument.self, forKey: action)
        func target() throws -> ControlTarget { try c.decode(ControlTarget.self, forKey: .target) }
        switch action {
        case .hold: self = .hold(domain: try c.decode(String.self, forKey: .domain))
        case .release: self = .release(domain: try c.decode(String.self, forKey: .domain))
        case .pause: self = .pause(target: try target())
        case .resume: self = .resume(target: try target())
        case .setMode: self = .setMode(target: try target(), mode: try c.decode(String.self, forKey: .mode))
        case .setThrottle:
            self = .setThrottle(target: try target(), settings: try c.decode([ThrottleSetting].self, forKey: .settings),
                                persist: try c.decode(Bool.self, forKey: .persist))
        case .addReplyRule:
            self = .addReplyRule(target: try target(), pattern: try c.decode(String.self, forKey: .pattern),
                                 actions: try c.decode(String.self, forKey: .actions))
        case .schedule: self = .schedule(target: try target())
        case .delete: self = .delete(target: try target(), asBounces: try c.decode(Bool.self, forKey: .asBounces))
        case .reload: self = .reload
        case .cancelControl: self = .cancelControl(id: try c.decode(String.self, forKey: .id))
        }
    }

    /// Encodes the one-key form.
    public func encode(to encoder: any Encoder) throws {
        var outer = encoder.container(keyedBy: Action.self)
        switch self {
        case .hold(let domain):
            var c = outer.nestedContainer(keyedBy: Argument.self, forKey: .hold)
            try c.encode(domain, forKey: .domain)
        case .release(let domain):
            var c = outer.nestedContainer(keyedBy: Argument.self, forKey: .release)
            try c.encode(domain, forKey: .domain)
        case .pause(let target):
            var c = outer.nestedContainer(keyedBy: Argument.self, forKey: .pause)
            try c.encode(target, forKey: .target)
        case .resume(let target):
            var c = outer.nestedContainer(keyedBy: Argument.self, forKey: .resume)
            try c.encode(target, forKey: .target)
        case .setMode(let target, let mode):
            var c = outer.nestedContainer(keyedBy: Argument.self, forKey: .setMode)
            try c.encode(target, forKey: .target)
            try c.encode(mode, forKey: .mode)
        case .setThrottle(let target, let settings, let persist):
            var c = outer.nestedContainer(keyedBy: Argument.self, forKey: .setThrottle)
            try c.encode(target, forKey: .target)
            try c.encode(settings, forKey: .settings)
            try c.encode(persist, forKey: .persist)
        case .addReplyRule(let target, let pattern, let actions):
            var c = outer.nestedContainer(keyedBy: Argument.self, forKey: .addReplyRule)
            try c.encode(target, forKey: .target)
            try c.encode(pattern, forKey: .pattern)
            try c.encode(actions, forKey: .actions)
        case .schedule(let target):
            var c = outer.nestedContainer(keyedBy: Argument.self, forKey: .schedule)
            try c.encode(target, forKey: .target)
        case .delete(let target, let asBounces):
            var c = outer.nestedContainer(keyedBy: Argument.self, forKey: .delete)
            try c.encode(target, forKey: .target)
            try c.encode(asBounces, forKey: .asBounces)
        case .reload:
            _ = outer.nestedContainer(keyedBy: Argument.self, forKey: .reload)
        case .cancelControl(let id):
            var c = outer.nestedContainer(keyedBy: Argument.self, forKey: .cancelControl)
            try c.encode(id, forKey: .id)
        }
    }
}
