import Foundation
import SluiceBase

/// What a subscriber wants streamed.
public struct SubscribeOptions: Codable, Hashable, Sendable {
    /// Milliseconds between snapshots (100 ms to 60 s; default 1000).
    public var intervalMs: Int
    /// Stream ``NodeSnapshot`` frames.
    public var snapshots: Bool
    /// Stream ``EventRecord`` frames as they happen.
    public var events: Bool

    /// Creates options.
    public init(intervalMs: Int = 1000, snapshots: Bool = true, events: Bool = true) {
        self.intervalMs = intervalMs
        self.snapshots = snapshots
        self.events = events
    }

    /// The accepted snapshot intervals.
    public static let intervalRange = 100...60_000

    enum CodingKeys: String, CodingKey {
        case snapshots, events
        case intervalMs = "interval_ms"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        intervalMs = try c.decodeIfPresent(Int.self, forKey: .intervalMs) ?? 1000
        snapshots = try c.decodeIfPresent(Bool.self, forKey: .snapshots) ?? true
        events = try c.decodeIfPresent(Bool.self, forKey: .events) ?? true
    }
}

/// One request line on the control socket:
/// `{"id":1,"command":{"hold":{"domain":"gmail.com"}},"reason":"…","ttl_s":1800,"client":"cli"}`
/// or `{"id":2,"subscribe":{"interval_ms":1000}}`.
public struct ControlRequestLine: Codable, Hashable, Sendable {
    /// Echoed in the response.
    public var id: Int
    /// The command, unless this is a subscription.
    public var command: ControlOperation?
    /// A subscription, instead of a command.
    public var subscribe: SubscribeOptions?
    /// Why (mutating commands).
    public var reason: String?
    /// How long the control lasts, in seconds (`--for`).
    public var ttlSeconds: Int?
    /// The client kind, recorded as the origin of live overrides: `cli` (default) or `console`.
    public var client: String?

    /// Creates a request.
    public init(id: Int, command: ControlOperation? = nil, subscribe: SubscribeOptions? = nil, reason: String? = nil,
                ttlSeconds: Int? = nil, client: String? = nil) {
        self.id = id
        self.command = command
        self.subscribe = subscribe
        self.reason = reason
        self.ttlSeconds = ttlSeconds
        self.client = client
    }

    enum CodingKeys: String, CodingKey {
        case id, command, subscribe, reason, client
        case ttlSeconds = "ttl_s"
    }
}

/// One response line: `{"id":1,"ok":true,"result":…}` or
/// `{"id":1,"ok":false,"error":{"code":"unknown-queue","message":"…"}}`. `id` is null for an
/// error about the connection itself (refused peer, unreadable request).
public struct ControlResponse: Encodable, Sendable {
    /// The request's id.
    public var id: Int?
    /// True on success.
    public var ok: Bool
    /// The result, on success.
    public var result: ControlResult?
    /// The error, on failure.
    public var error: ControlError?

    /// A success.
    public static func success(id: Int, _ result: ControlResult?) -> ControlResponse {
        ControlResponse(id: id, ok: true, result: result, error: nil)
    }

    /// A failure.
    public static func failure(id: Int?, _ error: ControlError) -> ControlResponse {
        ControlResponse(id: id, ok: false, result: nil, error: error)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        try c.encode(ok, forKey: .ok)
        try c.encodeIfPresent(result, forKey: .result)
        try c.encodeIfPresent(error, forKey: .error)
    }

    enum Keys: String, CodingKey { case id, ok, result, error }
}

/// A frame streamed to a subscriber: `{"type":"snapshot","snapshot":{…}}`,
/// `{"type":"snapshot-delta","status":{…},"domains":[…],"removed_domains":[…],…}` (see
/// ``SnapshotDelta``), `{"type":"event","event":{…}}`, or `{"type":"dropped","count":N}` when frames were lost
/// because the subscriber read too slowly.
public enum ControlFrame: Codable, Hashable, Sendable {
    /// A snapshot at the subscription's interval.
    case snapshot(NodeSnapshot)
    /// What changed since the previous snapshot or delta (socket only; `ControlClient`, SluiceControlClient, merges
    /// these and yields full ``snapshot(_:)`` frames).
    case snapshotDelta(SnapshotDelta)
    /// A delivery event as it happened.
    case event(EventRecord)
    /// This many frames were dropped since the last frame.
    case dropped(count: Int)

    enum Keys: String, CodingKey { case type, snapshot, event, count }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "snapshot": self = .snapshot(try c.decode(NodeSnapshot.self, forKey: .snapshot))
        case "snapshot-delta": self = .snapshotDelta(try SnapshotDelta(from: decoder))
        case "event": self = .event(try c.decode(EventRecord.self, forKey: .event))
        case "dropped": self = .dropped(count: try c.decode(Int.self, forKey: .count))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown frame type '\(other)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .snapshot(let s):
            try c.encode("snapshot", forKey: .type)
            try c.encode(s, forKey: .snapshot)
        case .snapshotDelta(let d):
            try c.encode("snapshot-delta", forKey: .type)
            try d.encode(to: encoder)
        case .event(let e):
            try c.encode("event", forKey: .type)
            try c.encode(e, forKey: .event)
        case .dropped(let n):
            try c.encode("dropped", forKey: .type)
            try c.encode(n, forKey: .count)
        }
    }
}
