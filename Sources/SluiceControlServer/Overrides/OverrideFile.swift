import Foundation
import SluiceConfig
import SluiceControlProtocol
import SluiceCore

/// One persisted throttle override: a directive's value for a domain or a queue, with who set
/// it, why, until when, and the line it sits on in the override file (its origin).
public struct PersistedOverride: Hashable, Sendable {
    /// A domain (`.domain`) or a queue (`.queue`).
    public var target: ControlTarget
    /// The directive's name.
    public var directive: String
    /// Its value.
    public var value: String
    /// Who, why and until when.
    public var meta: Meta
    /// Where it is in the file, once written or read.
    public var location: SourceLocation?

    /// The who/why/until of an override, kept as JSON in the line's comment.
    public struct Meta: Codable, Hashable, Sendable {
        /// `ControlActor.description` of the setter.
        public var who: String
        /// Why.
        public var why: String
        /// Unix time (seconds) it was set.
        public var at: Double
        /// Unix time (seconds) it lapses, or nil for never.
        public var until: Double?
        /// Creates the metadata.
        public init(who: String, why: String, at: Double, until: Double?) {
            self.who = who
            self.why = why
            self.at = at
            self.until = until
        }
    }

    /// Creates an override.
    public init(target: ControlTarget, directive: String, value: String, meta: Meta, location: SourceLocation? = nil) {
        self.target = target
        self.directive = directive
        self.value = value
        self.meta = meta
        self.location = location
    }
}

/// The override file `sluice set throttle --persist` writes: `<domain>` blocks (inside
/// `<virtual-mta>` for queue overrides) in the configuration dialect, one directive per line with
/// its who/why/until as JSON in the trailing comment, so a configuration parser reads it as plain
/// config and an operator can read it too. Pure text in, text out.
public enum OverrideFile {
    /// The file's text for `overrides` (domain blocks first, then per-vmta blocks, each sorted).
    public static func render(_ overrides: [PersistedOverride]) -> String {
        var out = """
        # Sluice persisted overrides, written by `sluice set throttle --persist`.
        # Read at start-up and layered over the configuration; the comment on each line records
        # who set it, why and until when (Unix time).

        """
        let encoder = controlJSONEncoder()
        func line(_ o: PersistedOverride, indent: String) -> String {
            let meta = (try? encoder.encode(o.meta)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            return "\(indent)\(o.directive) \(o.value)  # \(meta)\n"
        }
        var byDomain: [String: [PersistedOverride]] = [:]
        var byQueue: [String: [String: [PersistedOverride]]] = [:]
        for o in overrides {
            switch o.target {
            case .domain(let d): byDomain[d, default: []].append(o)
            case .queue(let k): byQueue[k.vmta, default: [:]][k.domain, default: []].append(o)
            case .vmta, .job: continue
            }
        }
        for domain in byDomain.keys.sorted() {
            out += "<domain \(domain)>\n"
            for o in byDomain[domain] ?? [] { out += line(o, indent: "    ") }
            out += "</domain>\n"
        }
        for vmta in byQueue.keys.sorted() {
            out += "<virtual-mta \(vmta)>\n"
            let domains = byQueue[vmta] ?? [:]
            for domain in domains.keys.sorted() {
                out += "    <domain \(domain)>\n"
                for o in domains[domain] ?? [] { out += line(o, indent: "        ") }
                out += "    </domain>\n"
            }
            out += "</virtual-mta>\n"
        }
        return out
    }

    /// Reads a file written by ``render(_:)``, each override located at its line.
    ///
    /// - Throws: ``ControlError`` `usage` naming `file:line` for anything else, or for a directive
    ///   that is not a valid live override.
    public static func parse(_ text: String, file: String) throws(ControlError) -> [PersistedOverride] {
        var result: [PersistedOverride] = []
        var vmta: String?
        var domain: String?
        for (index, raw) in TextLines.split(text).enumerated() {
            let lineNumber = index + 1
            func fail(_ message: String) -> ControlError { ControlError(.usage, "\(file):\(lineNumber): \(message)") }
            let (body, comment) = splitComment(String(raw))
            let words = body.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = words.first else { continue }
            if first.hasPrefix("<") {
                guard words.count <= 2, let tag = Self.tag(words) else { throw fail("unexpected '\(body.trimmingSpaces)'") }
                switch tag {
                case ("virtual-mta", let name?) where vmta == nil && domain == nil: vmta = name
                case ("/virtual-mta", nil) where vmta != nil && domain == nil: vmta = nil
                case ("domain", let name?) where domain == nil: domain = name.lowercased()
                case ("/domain", nil) where domain != nil: domain = nil
                default: throw fail("unexpected '\(body.trimmingSpaces)'")
                }
                continue
            }
            guard let domain else { throw fail("a directive outside a <domain> block") }
            guard words.count == 2 else { throw fail("expected DIRECTIVE VALUE") }
            let setting = ThrottleSetting(directive: words[0].lowercased(), value: words[1])
            do { try CommandValidator.validate(throttle: [setting]) } catch { throw fail(error.message) }
            guard let comment, let meta = try? JSONDecoder().decode(PersistedOverride.Meta.self, from: Data(comment.utf8)) else {
                throw fail("missing the who/why/until comment")
            }
            let target: ControlTarget = vmta.map { .queue(.init(domain: domain, vmta: $0)) } ?? .domain(domain)
            result.append(PersistedOverride(target: target, directive: setting.directive, value: setting.value, meta: meta,
                                            location: SourceLocation(file: file, line: lineNumber, column: 1)))
        }
        guard vmta == nil, domain == nil else { throw ControlError(.usage, "\(file): a block is not closed") }
        return result
    }

    private static func tag(_ words: [String]) -> (String, String?)? {
        guard var first = words.first, first.hasPrefix("<") else { return nil }
        first.removeFirst()
        if words.count == 1 {
            guard first.hasSuffix(">") else { return nil }
            return (String(first.dropLast()), nil)
        }
        guard words[1].hasSuffix(">") else { return nil }
        return (first, String(words[1].dropLast()))
    }

    private static func splitComment(_ line: String) -> (String, String?) {
        guard let hash = line.firstIndex(of: "#") else { return (line, nil) }
        return (String(line[..<hash]), String(line[line.index(after: hash)...]).trimmingSpaces)
    }
}
