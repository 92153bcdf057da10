import SluiceBase

/// Node-wide figures: the `show status` document and the console's header.
///
/// JSON keys are the stable ones of DESIGN.md: `uptime_s`, `queued`, `in`, `out`, `connections`,
/// `controls`, plus `node`, `spool` and the per-second `history` used for sparklines.
public struct StatusSnapshot: Codable, Hashable, Sendable {
    /// Messages received.
    public struct Inbound: Codable, Hashable, Sendable {
        /// Messages accepted since start.
        public var msgs: Int
        /// Accepted per second over the last minute.
        public var perS: Double
        /// Creates the figures.
        public init(msgs: Int, perS: Double) { self.msgs = msgs; self.perS = perS }
        enum CodingKeys: String, CodingKey { case msgs; case perS = "per_s" }
    }

    /// Delivery outcomes.
    public struct Outbound: Codable, Hashable, Sendable {
        /// Recipients delivered since start.
        public var delivered: Int
        /// Delivery attempts deferred since start (counted once per attempt).
        public var deferred: Int
        /// Recipients bounced (including expired) since start.
        public var bounced: Int
        /// Delivered per second over the last minute.
        public var perS: Double
        /// Deferred per second over the last minute.
        public var deferredPerS: Double
        /// Bounced per second over the last minute.
        public var bouncedPerS: Double
        /// Delivery connections refused with a reply (421 at the greeting or after EHLO) since
        /// start (JSON `refused_connections`, 0 when absent).
        public var refused: Int
        /// Refused connections per second over the last minute (JSON `refused_connections_per_s`).
        public var refusedPerS: Double
        /// Creates the figures.
        public init(delivered: Int, deferred: Int, bounced: Int, perS: Double, deferredPerS: Double, bouncedPerS: Double,
                    refused: Int = 0, refusedPerS: Double = 0) {
            self.refused = refused
            self.refusedPerS = refusedPerS
            self.delivered = delivered
            self.deferred = deferred
            self.bounced = bounced
            self.perS = perS
            self.deferredPerS = deferredPerS
            self.bouncedPerS = bouncedPerS
        }
        enum CodingKeys: String, CodingKey {
            case delivered, deferred, bounced
            case perS = "per_s"
            case deferredPerS = "deferred_per_s"
            case bouncedPerS = "bounced_per_s"
            case refused = "refused_connections"
            case refusedPerS = "refused_connections_per_s"
        }

        /// Decodes the figures; the refused connections may be missing (an older node).
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            delivered = try c.decode(Int.self, forKey: .delivered)
            deferred = try c.decode(Int.self, forKey: .deferred)
            bounced = try c.decode(Int.self, forKey: .bounced)
            perS = try c.decode(Double.self, forKey: .perS)
            deferredPerS = try c.decode(Double.self, forKey: .deferredPerS)
            bouncedPerS = try c.decode(Double.self, forKey: .bouncedPerS)
            refused = try c.decodeIfPresent(Int.self, forKey: .refused) ?? 0
            refusedPerS = try c.decodeIfPresent(Double.self, forKey: .refusedPerS) ?? 0
        }
    }

    /// Open SMTP connections.
    public struct Connections: Codable, Hashable, Sendable {
        /// Injection sessions.
        public var `in`: Int
        /// Delivery connections.
        public var out: Int
        /// Inbound connections refused since start, by the limit that refused them
        /// (`total-max-smtp-in`, `max-smtp-in`, `max-smtp-in-rate`), and messages refused for
        /// lack of message memory (`smtp-in-message-memory`). JSON `refused_in`; absent in the
        /// documents of older nodes.
        public var refusedIn: [String: Int]
        /// Creates the figures.
        public init(in: Int, out: Int, refusedIn: [String: Int] = [:]) {
            self.in = `in`
            self.out = out
            self.refusedIn = refusedIn
        }

        enum CodingKeys: String, CodingKey { case `in`, out; case refusedIn = "refused_in" }

        /// Decodes the figures; `refused_in` may be missing.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.in = try c.decode(Int.self, forKey: .in)
            out = try c.decode(Int.self, forKey: .out)
            refusedIn = try c.decodeIfPresent([String: Int].self, forKey: .refusedIn) ?? [:]
        }
    }

    /// Spool use.
    public struct SpoolUse: Codable, Hashable, Sendable {
        /// Bytes used by the spool.
        public var bytes: Int64
        /// Free bytes on the spool's file system.
        public var freeBytes: Int64
        /// Creates the figures.
        public init(bytes: Int64, freeBytes: Int64) { self.bytes = bytes; self.freeBytes = freeBytes }
        enum CodingKeys: String, CodingKey { case bytes; case freeBytes = "free_bytes" }
    }

    /// Per-second history over the last five minutes, oldest first (for sparklines).
    public struct History: Codable, Hashable, Sendable {
        /// Messages accepted per second.
        public var `in`: [Int]
        /// Recipients delivered per second.
        public var out: [Int]
        /// Creates the history.
        public init(in: [Int], out: [Int]) { self.in = `in`; self.out = out }
    }

    /// The node's host name.
    public var node: String
    /// Seconds since the daemon started.
    public var uptimeS: Double
    /// Recipients queued (not yet delivered, bounced or expired).
    public var queued: Int
    /// Messages received.
    public var `in`: Inbound
    /// Delivery outcomes.
    public var out: Outbound
    /// Open connections.
    public var connections: Connections
    /// Spool use.
    public var spool: SpoolUse
    /// Active operator controls.
    public var controls: [ControlInfo]
    /// Per-second history for sparklines.
    public var history: History
    /// The reputation loop's node-wide figures: suppressed injections, DSNs sent, complaints,
    /// asynchronous bounces (JSON `reputation`, optional; absent from nodes that do not report them).
    public var reputation: ReputationTotals?

    /// Creates a status snapshot.
    public init(node: String, uptimeS: Double, queued: Int, in: Inbound, out: Outbound, connections: Connections,
                spool: SpoolUse, controls: [ControlInfo], history: History, reputation: ReputationTotals? = nil) {
        self.node = node
        self.uptimeS = uptimeS
        self.queued = queued
        self.in = `in`
        self.out = out
        self.connections = connections
        self.spool = spool
        self.controls = controls
        self.history = history
        self.reputation = reputation
    }

    enum CodingKeys: String, CodingKey {
        case node, queued, `in`, out, connections, spool, controls, history, reputation
        case uptimeS = "uptime_s"
    }
}
