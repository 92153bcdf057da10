/// A queue's effective settings with their origins (`show settings`, the console's Detail view).
///
/// Encodes as DESIGN.md's `{"queue":"gmail.com/vmta1","settings":{"max-msg-rate":{"value":"40/s",
/// "origin":"file.conf:37"},…}}`; `entries` keeps the catalog order for display.
public struct SettingsSnapshot: Codable, Hashable, Sendable {
    /// One directive's value and origin.
    public struct Entry: Codable, Hashable, Sendable {
        /// The directive name, e.g. `max-msg-rate`.
        public var name: String
        /// The value as text, e.g. `40/s`.
        public var value: String
        /// Where it came from: `default`, `FILE:LINE`, `console`, …
        public var origin: String
        /// Creates an entry.
        public init(name: String, value: String, origin: String) {
            self.name = name
            self.value = value
            self.origin = origin
        }
    }

    /// `domain/vmta`, or the domain alone for domain-level settings.
    public var queue: String
    /// The directives in catalog order.
    public var entries: [Entry]

    /// Creates a settings snapshot.
    public init(queue: String, entries: [Entry]) {
        self.queue = queue
        self.entries = entries
    }

    private struct ValueAndOrigin: Codable { var value: String; var origin: String }
    private enum Keys: String, CodingKey { case queue, settings, order }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        queue = try c.decode(String.self, forKey: .queue)
        let map = try c.decode([String: ValueAndOrigin].self, forKey: .settings)
        let order = try c.decodeIfPresent([String].self, forKey: .order) ?? map.keys.sorted()
        entries = order.compactMap { name in map[name].map { Entry(name: name, value: $0.value, origin: $0.origin) } }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(queue, forKey: .queue)
        var map: [String: ValueAndOrigin] = [:]
        for e in entries { map[e.name] = ValueAndOrigin(value: e.value, origin: e.origin) }
        try c.encode(map, forKey: .settings)
        try c.encode(entries.map(\.name), forKey: .order)
    }
}
