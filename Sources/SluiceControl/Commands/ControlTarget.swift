import SluiceCore

/// What an operator command applies to: a destination domain, a virtual MTA or one queue.
///
/// Written `gmail.com` (a domain), `gmail.com/vmta1` (a queue) on the command line; the kind of
/// target a command expects decides how a bare name is read (`pause vmta NAME` names a vmta).
public enum ControlTarget: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Every queue of a destination domain.
    case domain(String)
    /// Every queue through a virtual MTA.
    case vmta(String)
    /// One queue, `domain/vmta`.
    case queue(QueueKey)

    /// Reads `DOMAIN/VMTA` as a queue and anything else as a domain (lowercased).
    ///
    /// - Throws: ``ControlError`` with code `usage` for an empty or malformed name.
    public static func domainOrQueue(_ text: String) throws(ControlError) -> ControlTarget {
        let trimmed = text.trimmingSpaces
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
    public static func vmtaNamed(_ text: String) throws(ControlError) -> ControlTarget {
        let trimmed = text.trimmingSpaces
        guard isName(trimmed), !trimmed.contains("/") else { throw ControlError(.usage, "'\(text)' is not a virtual MTA name") }
        return .vmta(trimmed)
    }

    /// `gmail.com`, `vmta vmta1` or `gmail.com/vmta1`.
    public var description: String {
        switch self {
        case .domain(let d): return d
        case .vmta(let v): return "vmta \(v)"
        case .queue(let k): return k.description
        }
    }

    /// The name as the operator writes it: the domain, the vmta or `domain/vmta`.
    public var name: String {
        switch self {
        case .domain(let d): return d
        case .vmta(let v): return v
        case .queue(let k): return k.description
        }
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

    private enum Keys: String, CodingKey { case domain, vmta, queue }

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
            } else {
                throw ControlError(.usage, "a target needs one of domain, vmta or queue")
            }
        } catch let error as ControlError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .domain(let d): try c.encode(d, forKey: .domain)
        case .vmta(let v): try c.encode(v, forKey: .vmta)
        case .queue(let k): try c.encode(k.description, forKey: .queue)
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
