/// The JSON of a persisted control's kind, written out so that it cannot drift: the spool keeps
/// one file per control, and controls persisted by earlier versions must load. It is the shape
/// Swift's synthesized `Codable` gave these enums, targets included:
/// `{"hold":{"_0":{"domain":{"_0":"gmail.com"}}}}`, `{"pause":{"_0":{"vmta":{"_0":"vmta1"}}}}`,
/// `{"pause":{"_0":{"queue":{"_0":"gmail.com/vmta1"}}}}`, `{"pause":{"_0":{"job":{"_0":"newsletter-2611"}}}}`,
/// `{"throttle":{"_0":{"domain":{"_0":"gmail.com"}},"directive":"max-msg-rate","value":"10/s"}}`,
/// `{"replyRule":{"_0":{"domain":{"_0":"gmail.com"}},"pattern":"421 4\\.7\\.0","actions":"mode=backoff"}}`.
/// The target is read as written (no name checks: it was checked when the control was set, and a
/// queue of a rollup or a pattern list may have any name).
extension ControlKind: Codable {
    private enum Kind: String, CodingKey { case hold, pause, throttle, replyRule }
    private enum Field: String, CodingKey {
        case target = "_0"
        case directive, value, pattern, actions
    }
    private enum TargetKind: String, CodingKey { case domain, vmta, queue, job }
    private enum Payload: String, CodingKey { case name = "_0" }

    /// Decodes the persisted form.
    ///
    /// - Throws: `DecodingError` for anything else.
    public init(from decoder: any Decoder) throws {
        let outer = try decoder.container(keyedBy: Kind.self)
        guard outer.allKeys.count == 1, let kind = outer.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "a control kind is an object with exactly one key naming it"))
        }
        let fields = try outer.nestedContainer(keyedBy: Field.self, forKey: kind)
        let target = try Self.decodeTarget(try fields.nestedContainer(keyedBy: TargetKind.self, forKey: .target))
        switch kind {
        case .hold: self = .hold(target)
        case .pause: self = .pause(target)
        case .throttle:
            self = .throttle(target, directive: try fields.decode(String.self, forKey: .directive),
                             value: try fields.decode(String.self, forKey: .value))
        case .replyRule:
            self = .replyRule(target, pattern: try fields.decode(String.self, forKey: .pattern),
                              actions: try fields.decode(String.self, forKey: .actions))
        }
    }

    /// Encodes the persisted form.
    public func encode(to encoder: any Encoder) throws {
        var outer = encoder.container(keyedBy: Kind.self)
        switch self {
        case .hold(let target):
            var fields = outer.nestedContainer(keyedBy: Field.self, forKey: .hold)
            try Self.encode(target, into: fields.nestedContainer(keyedBy: TargetKind.self, forKey: .target))
        case .pause(let target):
            var fields = outer.nestedContainer(keyedBy: Field.self, forKey: .pause)
            try Self.encode(target, into: fields.nestedContainer(keyedBy: TargetKind.self, forKey: .target))
        case .throttle(let target, let directive, let value):
            var fields = outer.nestedContainer(keyedBy: Field.self, forKey: .throttle)
            try Self.encode(target, into: fields.nestedContainer(keyedBy: TargetKind.self, forKey: .target))
            try fields.encode(directive, forKey: .directive)
            try fields.encode(value, forKey: .value)
        case .replyRule(let target, let pattern, let actions):
            var fields = outer.nestedContainer(keyedBy: Field.self, forKey: .replyRule)
            try Self.encode(target, into: fields.nestedContainer(keyedBy: TargetKind.self, forKey: .target))
            try fields.encode(pattern, forKey: .pattern)
            try fields.encode(actions, forKey: .actions)
        }
    }

    private static func decodeTarget(_ c: KeyedDecodingContainer<TargetKind>) throws -> ControlTarget {
        guard c.allKeys.count == 1, let kind = c.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath,
                                                    debugDescription: "a target is an object with exactly one of domain, vmta, queue or job"))
        }
        let payload = try c.nestedContainer(keyedBy: Payload.self, forKey: kind)
        switch kind {
        case .domain: return .domain(try payload.decode(String.self, forKey: .name))
        case .vmta: return .vmta(try payload.decode(String.self, forKey: .name))
        case .queue: return .queue(try payload.decode(QueueKey.self, forKey: .name))
        case .job: return .job(try payload.decode(String.self, forKey: .name))
        }
    }

    private static func encode(_ target: ControlTarget, into c: KeyedEncodingContainer<TargetKind>) throws {
        var c = c
        switch target {
        case .domain(let d):
            var payload = c.nestedContainer(keyedBy: Payload.self, forKey: .domain)
            try payload.encode(d, forKey: .name)
        case .vmta(let v):
            var payload = c.nestedContainer(keyedBy: Payload.self, forKey: .vmta)
            try payload.encode(v, forKey: .name)
        case .queue(let k):
            var payload = c.nestedContainer(keyedBy: Payload.self, forKey: .queue)
            try payload.encode(k, forKey: .name)
        case .job(let j):
            var payload = c.nestedContainer(keyedBy: Payload.self, forKey: .job)
            try payload.encode(j, forKey: .name)
        }
    }
}
