import SluiceBase
import SluiceConfig

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

    /// One queued recipient, as a sample for the console's Detail view.
    public struct QueuedRecipient: Codable, Hashable, Sendable {
        /// The recipient address.
        public var recipient: String
        /// Seconds since it was queued.
        public var ageS: Double
        /// Delivery attempts so far.
        public var attempts: Int
        /// The last remote reply (dsnDiag), empty before the first attempt.
        public var lastReply: String
        /// Creates a sample entry.
        public init(recipient: String, ageS: Double, attempts: Int, lastReply: String) {
            self.recipient = recipient
            self.ageS = ageS
            self.attempts = attempts
            self.lastReply = lastReply
        }
        enum CodingKeys: String, CodingKey {
            case recipient, attempts
            case ageS = "age_s"
            case lastReply = "last_reply"
        }
    }

    /// A queue's DKIM signing: which key signs its mail and what signing did since start.
    public struct DKIMStatus: Codable, Hashable, Sendable {
        /// Which key signs, one line per signature (e.g. `signs: by From domain with
        /// s1._domainkey.example.com (rsa-2048, /etc/sluice/dkim/s1.pem)`).
        public var signing: [String]
        /// Messages signed since start.
        public var signed: Int
        /// Messages sent unsigned although the settings asked for a signature.
        public var unsigned: Int
        /// The key names of the last signature, empty before one.
        public var lastKey: String
        /// Why the last unsigned message went unsigned, empty before one.
        public var lastMissing: String

        /// Creates a status.
        public init(signing: [String], signed: Int = 0, unsigned: Int = 0, lastKey: String = "", lastMissing: String = "") {
            self.signing = signing
            self.signed = signed
            self.unsigned = unsigned
            self.lastKey = lastKey
            self.lastMissing = lastMissing
        }

        enum CodingKeys: String, CodingKey {
            case signing, signed, unsigned
            case lastKey = "last_key"
            case lastMissing = "last_missing"
        }
    }

    /// A domain's (or queue's) complaint figures and its recent complaints and asynchronous
    /// bounces, for the Detail view.
    public struct Reputation: Codable, Hashable, Sendable {
        /// Complaints against deliveries over the last hour and day; nil when nothing was seen
        /// for the target in 24 hours.
        public var figures: ComplaintFigures?
        /// The newest `complaint` and `async-bounce` events, oldest first.
        public var recent: [EventRecord]

        /// Creates the section.
        public init(figures: ComplaintFigures?, recent: [EventRecord]) {
            self.figures = figures
            self.recent = recent
        }
    }

    /// `domain/vmta`, or the domain alone for domain-level settings.
    public var queue: String
    /// The directives in catalog order.
    public var entries: [Entry]
    /// Added for the console's Detail view: recipients delivered per second over the last five
    /// minutes, oldest first (JSON `history`, optional; empty when the server does not send it).
    public var history: [Int]
    /// Added for the console's Detail view: a sample of queued recipients, oldest first (JSON
    /// `recipients`, optional; empty when the server does not send it).
    public var recipients: [QueuedRecipient]
    /// Added for `show settings` and the Detail view: DKIM signing of the queue (JSON `dkim`,
    /// optional; nil when the server does not send it).
    public var dkim: DKIMStatus?
    /// Added for the Detail view: complaints and asynchronous bounces of the domain or queue
    /// (JSON `reputation`, optional; nil when the server does not send it).
    public var reputation: Reputation?

    /// Creates a settings snapshot.
    public init(queue: String, entries: [Entry], history: [Int] = [], recipients: [QueuedRecipient] = []) {
        self.queue = queue
        self.entries = entries
        self.history = history
        self.recipients = recipients
    }

    private struct ValueAndOrigin: Codable { var value: String; var origin: String }
    private enum Keys: String, CodingKey { case queue, settings, order, history, recipients, dkim, reputation }

    /// The snapshot of `settings` for `queue`: every directive in catalog order with its value and
    /// where it came from (`default`, `FILE:LINE`, a live override's client label, …).
    public init(queue: String, settings: DomainSettings, history: [Int] = [], recipients: [QueuedRecipient] = []) {
        self.init(queue: queue, entries: settings.entries.map { Entry(name: $0.name, value: $0.value, origin: $0.origin.description) },
                  history: history, recipients: recipients)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        queue = try c.decode(String.self, forKey: .queue)
        let map = try c.decode([String: ValueAndOrigin].self, forKey: .settings)
        let order = try c.decodeIfPresent([String].self, forKey: .order) ?? map.keys.sorted()
        entries = order.compactMap { name in map[name].map { Entry(name: name, value: $0.value, origin: $0.origin) } }
        history = try c.decodeIfPresent([Int].self, forKey: .history) ?? []
        recipients = try c.decodeIfPresent([QueuedRecipient].self, forKey: .recipients) ?? []
        dkim = try c.decodeIfPresent(DKIMStatus.self, forKey: .dkim)
        reputation = try c.decodeIfPresent(Reputation.self, forKey: .reputation)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(queue, forKey: .queue)
        var map: [String: ValueAndOrigin] = [:]
        for e in entries { map[e.name] = ValueAndOrigin(value: e.value, origin: e.origin) }
        try c.encode(map, forKey: .settings)
        try c.encode(entries.map(\.name), forKey: .order)
        if !history.isEmpty { try c.encode(history, forKey: .history) }
        if !recipients.isEmpty { try c.encode(recipients, forKey: .recipients) }
        try c.encodeIfPresent(dkim, forKey: .dkim)
        try c.encodeIfPresent(reputation, forKey: .reputation)
    }
}
