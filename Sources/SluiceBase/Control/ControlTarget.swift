/// What an operator control or command applies to: a destination domain, a virtual MTA, one
/// queue or a job.
///
/// Written `gmail.com` (a domain), `gmail.com/vmta1` (a queue) on the command line; the kind of
/// target a command expects decides how a bare name is read (`pause vmta NAME` names a vmta).
/// Its JSON on the control plane is one key: `{"domain":"gmail.com"}`, `{"vmta":"vmta1"}`,
/// `{"queue":"gmail.com/vmta1"}`, `{"job":"newsletter-2611"}`, checked like typed input when decoded. (A persisted
/// ``Control`` keeps its own, older form; see ``ControlKind``.)
public enum ControlTarget: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Every queue of a destination domain (lowercase).
    case domain(String)
    /// Every queue through a virtual MTA.
    case vmta(String)
    /// One queue, `domain/vmta`.
    case queue(QueueKey)
    /// Every queued recipient of a job (the message's X-Job header, PowerMTA's `jobid-header`),
    /// whichever queues they are in. Only pause, resume and delete take a job.
    case job(String)

    /// Reads `DOMAIN/VMTA` as a queue and anything else as a domain (lowercased).
    ///
    /// - Throws: ``ControlError`` with code `usage` for an empty or malformed name.
    public static func domainOrQueue(_ text: String) throws(ControlError) -> ControlTarget {
        let trimmed = trimmingSpaces(text)
        if trimmed.contains("/") {
            guard let key = QueueKey(parsing: trimmed), !key.domain.contains("/"), isDomain(key.domain), isName(key.vmta) else {
                throw ControlError(.usage, "'\(text)' is not a queue name: expected DOMAIN/VMTA")
            }
            return .queue(key)
        }
        guard isDomain(trimmed) else { throw ControlError(.usage, "'\(text)' is not a domain name") }
        return .domain(trimmed.lowercased())
    }

    /// Reads a bare virtual MTA name.
    ///
    /// - Throws: ``ControlError`` with code `usage` for an empty name or one with white space,
    ///   control characters or a slash.
    public static func vmtaNamed(_ text: String) throws(ControlError) -> ControlTarget {
        let trimmed = trimmingSpaces(text)
        guard isName(trimmed), !trimmed.contains("/") else { throw ControlError(.usage, "'\(text)' is not a virtual MTA name") }
        return .vmta(trimmed)
    }

    /// Reads a job id: printable, no white space, at most 255 characters.
    ///
    /// - Throws: ``ControlError`` with code `usage` for an empty or malformed id.
    public static func jobNamed(_ text: String) throws(ControlError) -> ControlTarget {
        let trimmed = trimmingSpaces(text)
        guard isName(trimmed) else { throw ControlError(.usage, "'\(text)' is not a job id") }
        return .job(trimmed)
    }

    /// True when the target covers every recipient of `key` (a job covers no queue whole).
    public func covers(_ key: QueueKey) -> Bool {
        switch self {
        case .domain(let d): return key.domain == d
        case .vmta(let v): return key.vmta == v
        case .queue(let q): return key == q
        case .job: return false
        }
    }

    /// The job's id, for a job target.
    public var jobID: String? {
        if case .job(let id) = self { return id }
        return nil
    }

    /// True for one queue (a throttle on it applies after its domain's).
    package var isQueue: Bool {
        if case .queue = self { return true }
        return false
    }

    /// `gmail.com`, `vmta vmta1` or `gmail.com/vmta1`.
    public var description: String {
        switch self {
        case .domain(let d): return d
        case .vmta(let v): return "vmta \(v)"
        case .queue(let k): return k.description
        case .job(let j): return "job \(j)"
        }
    }

    /// The name as the operator writes it: the domain, the vmta or `domain/vmta`.
    public var name: String {
        switch self {
        case .domain(let d): return d
        case .vmta(let v): return v
        case .queue(let k): return k.description
        case .job(let j): return j
        }
    }

    /// Lowercases a domain.
    package var normalized: ControlTarget {
        if case .domain(let d) = self { return .domain(d.lowercased()) }
        return self
    }

    /// A host name: dot-separated labels of 1–63 letters, digits, `-` or `_`, at most 253 characters
    /// (a trailing dot allowed).
    private static func isDomain(_ s: String) -> Bool {
        let name = s.hasSuffix(".") ? String(s.dropLast()) : s
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.utf8.count)
                && label.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
        }
    }

    /// Printable, no white space or control characters, at most 255 characters.
    private static func isName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 255 && s.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7f }
    }

    private static func trimmingSpaces(_ text: String) -> String {
        var s = Substring(text)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }

    private enum Keys: String, CodingKey { case domain, vmta, queue, job }

    /// Decodes `{"domain":…}`, `{"vmta":…}`, `{"queue":"DOMAIN/VMTA"}` or `{"job":…}`, checking the
    /// name as ``domainOrQueue(_:)``, ``vmtaNamed(_:)`` and ``jobNamed(_:)`` do.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        do {
            if let d = try c.decodeIfPresent(String.self, forKey: .domain) {
                self = try .domainOrQueue(d)
                if case .queue = self { throw ControlError(.usage, "'\(d)' is a queue, not a domain") }
            } else if let v = try c.decodeIfPresent(String.self, forKey: .vmta) {
                self = try .vmtaNamed(v)
            } else if let q = try c.decodeIfPresent(String.self, forKey: .queue) {
                self = try .domainOrQueue(q)
                guard case .queue = self else { throw ControlError(.usage, "'\(q)' is not a queue name: expected DOMAIN/VMTA") }
            } else if let j = try c.decodeIfPresent(String.self, forKey: .job) {
                self = try .jobNamed(j)
            } else {
                throw ControlError(.usage, "a target needs one of domain, vmta, queue or job")
            }
        } catch let error as ControlError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    /// Encodes the one-key form.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .domain(let d): try c.encode(d, forKey: .domain)
        case .vmta(let v): try c.encode(v, forKey: .vmta)
        case .queue(let k): try c.encode(k.description, forKey: .queue)
        case .job(let j): try c.encode(j, forKey: .job)
        }
    }
}
