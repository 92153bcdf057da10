import SluiceBase

/// Which recent events to return (`events` command, `GET /api/v1/events`).
public struct EventFilter: Codable, Hashable, Sendable {
    /// Only this kind (`delivered`, `deferred`, `bounced`, `expired`), or all.
    public var kind: String?
    /// Only queues of this domain, or this queue when it contains a slash.
    public var queue: String?
    /// At most this many, newest last.
    public var limit: Int

    /// Creates a filter.
    public init(kind: String? = nil, queue: String? = nil, limit: Int = 100) {
        self.kind = kind
        self.queue = queue
        self.limit = limit
    }

    /// True when `event` passes the filter's kind and queue conditions (the limit aside).
    public func matches(_ event: EventRecord) -> Bool {
        if let kind, event.kind != kind { return false }
        if let queue {
            if queue.contains("/") { return event.queue == queue }
            return event.queue == queue || event.queue.hasPrefix(queue + "/")
        }
        return true
    }
}

/// Every operation the control plane understands: the queries, and the commands
/// (``SluiceCore/ControlCommand``) the command layer validates, audits and forwards to the node.
/// Shared by the socket protocol, the HTTP API, the CLI and the console.
///
/// JSON is one key naming the operation: `{"status":{}}`, `{"topDomains":{"limit":10}}`,
/// `{"hold":{"domain":"gmail.com"}}`, `{"pause":{"target":{"vmta":"vmta1"}}}` — a command
/// encodes exactly as its ``SluiceCore/ControlCommand``.
public enum ControlOperation: Codable, Hashable, Sendable {
    /// Node-wide figures and active controls.
    case status
    /// One row per queue.
    case queues
    /// One row per domain.
    case domains
    /// The domains with the most recipients queued, busiest first.
    case topDomains(limit: Int)
    /// One row per virtual MTA.
    case vmtas
    /// One row per job (X-Job).
    case jobs
    /// A domain's or queue's effective settings with origins, live overrides included.
    case settings(target: ControlTarget)
    /// Recent delivery events.
    case events(filter: EventFilter)
    /// The active controls.
    case listControls
    /// What a reply rule with this pattern would have matched in the last hour (changes nothing).
    case replyRuleDryRun(pattern: String)
    /// The history's frame of `minute` (minutes since the Unix epoch), or of the latest minute before it.
    case historyFrame(minute: Int64)
    /// A domain's, vmta's or job's figures for each minute of the last 24 hours.
    case historySeries(kind: HistoryKind, name: String)
    /// An action that changes the node.
    case execute(ControlCommand)

    /// The command this is, or nil for a query.
    public var mutation: ControlCommand? {
        if case .execute(let m) = self { return m }
        return nil
    }

    private enum Query: Codable {
        case status, queues, domains, topDomains(limit: Int), vmtas, jobs, settings(target: ControlTarget)
        case events(filter: EventFilter), listControls, replyRuleDryRun(pattern: String), historyFrame(minute: Int64)
        case historySeries(kind: HistoryKind, name: String)
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static let queryNames: Set<String> = ["status", "queues", "domains", "topDomains", "vmtas", "jobs", "settings", "events", "listControls",
                                                          "replyRuleDryRun", "historyFrame", "historySeries"]

    public init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: AnyKey.self).allKeys
        guard keys.count == 1, let key = keys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "a command is an object with exactly one key naming it"))
        }
        if Self.queryNames.contains(key.stringValue) {
            switch try Query(from: decoder) {
            case .status: self = .status
            case .queues: self = .queues
            case .domains: self = .domains
            case .topDomains(let limit): self = .topDomains(limit: limit)
            case .vmtas: self = .vmtas
            case .jobs: self = .jobs
            case .settings(let target): self = .settings(target: target)
            case .events(let filter): self = .events(filter: filter)
            case .listControls: self = .listControls
            case .replyRuleDryRun(let pattern): self = .replyRuleDryRun(pattern: pattern)
            case .historyFrame(let minute): self = .historyFrame(minute: minute)
            case .historySeries(let kind, let name): self = .historySeries(kind: kind, name: name)
            }
        } else {
            self = .execute(try ControlCommand(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .status: try Query.status.encode(to: encoder)
        case .queues: try Query.queues.encode(to: encoder)
        case .domains: try Query.domains.encode(to: encoder)
        case .topDomains(let limit): try Query.topDomains(limit: limit).encode(to: encoder)
        case .vmtas: try Query.vmtas.encode(to: encoder)
        case .jobs: try Query.jobs.encode(to: encoder)
        case .settings(let target): try Query.settings(target: target).encode(to: encoder)
        case .events(let filter): try Query.events(filter: filter).encode(to: encoder)
        case .listControls: try Query.listControls.encode(to: encoder)
        case .replyRuleDryRun(let pattern): try Query.replyRuleDryRun(pattern: pattern).encode(to: encoder)
        case .historyFrame(let minute): try Query.historyFrame(minute: minute).encode(to: encoder)
        case .historySeries(let kind, let name): try Query.historySeries(kind: kind, name: name).encode(to: encoder)
        case .execute(let m): try m.encode(to: encoder)
        }
    }
}
