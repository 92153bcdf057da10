import SluiceBase

/// The counters and state shared by a domain row and a queue row.
public struct QueueFigures: Codable, Hashable, Sendable {
    /// Recipients queued now.
    public var queued: Int
    /// Recipients delivered since start.
    public var delivered: Int
    /// Attempts deferred since start.
    public var deferred: Int
    /// Recipients bounced since start (expired included).
    public var bounced: Int
    /// Open delivery connections now.
    public var connections: Int
    /// Delivered per minute (over the last minute).
    public var deliveredPerMin: Double
    /// Deferred per minute.
    public var deferredPerMin: Double
    /// Bounced per minute.
    public var bouncedPerMin: Double
    /// The effective message rate limit in force, e.g. `50/s` or `unlimited`.
    public var rateLimit: String
    /// `normal` or `backoff`.
    public var mode: String
    /// True when the domain is held.
    public var held: Bool
    /// True when the queue (or its vmta) is paused; for a domain, when every queue of it is.
    public var paused: Bool
    /// Why the queue is not sending faster right now, e.g. `rate-limited: max-msg-rate 50/s (file.conf:41)`.
    public var why: String
    /// The last remote error reply (dsnDiag), empty when none.
    public var lastError: String
    /// Complaints against deliveries over the last hour and day (JSON `complaints`, optional;
    /// nil when the node does not report them or has seen nothing for the row in 24 hours).
    public var complaints: ComplaintFigures?
    /// Delivery connections the remote host refused with a reply (421 at the greeting or after
    /// EHLO) since start: deferrals of the queue as a whole, beside the recipients' ``deferred``
    /// (JSON `refused_connections`, 0 when absent).
    public var refused: Int
    /// Refused connections per minute (JSON `refused_connections_per_min`).
    public var refusedPerMin: Double
    /// The age in seconds of the oldest waiting recipient's message (JSON `oldest_queued_age_s`,
    /// nil when nothing waits).
    public var oldestAgeS: Double?
    /// Seconds to deliver what is queued at the last minute's delivery rate (JSON `drain_s`; nil
    /// when nothing is queued or nothing was delivered in the last minute).
    public var drainS: Double?
    /// Injection-to-final-outcome delays since start (JSON `latency`; nil from a node that does
    /// not report them).
    public var latency: LatencyHistogram?

    /// Creates the figures.
    public init(queued: Int, delivered: Int, deferred: Int, bounced: Int, connections: Int,
                deliveredPerMin: Double, deferredPerMin: Double, bouncedPerMin: Double, rateLimit: String,
                mode: String, held: Bool, paused: Bool, why: String, lastError: String, complaints: ComplaintFigures? = nil,
                refused: Int = 0, refusedPerMin: Double = 0, oldestAgeS: Double? = nil, drainS: Double? = nil,
                latency: LatencyHistogram? = nil) {
        self.refused = refused
        self.refusedPerMin = refusedPerMin
        self.oldestAgeS = oldestAgeS
        self.drainS = drainS
        self.latency = latency
        self.queued = queued
        self.delivered = delivered
        self.deferred = deferred
        self.bounced = bounced
        self.connections = connections
        self.deliveredPerMin = deliveredPerMin
        self.deferredPerMin = deferredPerMin
        self.bouncedPerMin = bouncedPerMin
        self.rateLimit = rateLimit
        self.mode = mode
        self.held = held
        self.paused = paused
        self.why = why
        self.lastError = lastError
        self.complaints = complaints
    }

    /// Seconds to deliver `queued` recipients at `deliveredPerMin`; nil when nothing is queued or
    /// nothing is being delivered.
    public static func drainSeconds(queued: Int, deliveredPerMin: Double) -> Double? {
        guard queued > 0, deliveredPerMin > 0 else { return nil }
        return Double(queued) / deliveredPerMin * 60
    }

    enum CodingKeys: String, CodingKey {
        case queued, delivered, deferred, bounced, connections, mode, held, paused, why, complaints, latency
        case deliveredPerMin = "delivered_per_min"
        case deferredPerMin = "deferred_per_min"
        case bouncedPerMin = "bounced_per_min"
        case rateLimit = "rate_limit"
        case lastError = "last_error"
        case refused = "refused_connections"
        case refusedPerMin = "refused_connections_per_min"
        case oldestAgeS = "oldest_queued_age_s"
        case drainS = "drain_s"
        case latencyP50 = "latency_p50_s"
        case latencyP95 = "latency_p95_s"
        case latencyP99 = "latency_p99_s"
    }

    /// Decodes the figures; the refusal, time-in-queue and latency figures may be missing (a node
    /// from before them); the latency quantiles are derived from the histogram, not read.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        queued = try c.decode(Int.self, forKey: .queued)
        delivered = try c.decode(Int.self, forKey: .delivered)
        deferred = try c.decode(Int.self, forKey: .deferred)
        bounced = try c.decode(Int.self, forKey: .bounced)
        connections = try c.decode(Int.self, forKey: .connections)
        deliveredPerMin = try c.decode(Double.self, forKey: .deliveredPerMin)
        deferredPerMin = try c.decode(Double.self, forKey: .deferredPerMin)
        bouncedPerMin = try c.decode(Double.self, forKey: .bouncedPerMin)
        rateLimit = try c.decode(String.self, forKey: .rateLimit)
        mode = try c.decode(String.self, forKey: .mode)
        held = try c.decode(Bool.self, forKey: .held)
        paused = try c.decode(Bool.self, forKey: .paused)
        why = try c.decode(String.self, forKey: .why)
        lastError = try c.decode(String.self, forKey: .lastError)
        complaints = try c.decodeIfPresent(ComplaintFigures.self, forKey: .complaints)
        refused = try c.decodeIfPresent(Int.self, forKey: .refused) ?? 0
        refusedPerMin = try c.decodeIfPresent(Double.self, forKey: .refusedPerMin) ?? 0
        oldestAgeS = try c.decodeIfPresent(Double.self, forKey: .oldestAgeS)
        drainS = try c.decodeIfPresent(Double.self, forKey: .drainS)
        latency = try c.decodeIfPresent(LatencyHistogram.self, forKey: .latency)
    }

    /// Encodes the figures, with the latency histogram's p50, p95 and p99 beside it for readers
    /// of `show domains --json`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(queued, forKey: .queued)
        try c.encode(delivered, forKey: .delivered)
        try c.encode(deferred, forKey: .deferred)
        try c.encode(bounced, forKey: .bounced)
        try c.encode(connections, forKey: .connections)
        try c.encode(deliveredPerMin, forKey: .deliveredPerMin)
        try c.encode(deferredPerMin, forKey: .deferredPerMin)
        try c.encode(bouncedPerMin, forKey: .bouncedPerMin)
        try c.encode(rateLimit, forKey: .rateLimit)
        try c.encode(mode, forKey: .mode)
        try c.encode(held, forKey: .held)
        try c.encode(paused, forKey: .paused)
        try c.encode(why, forKey: .why)
        try c.encode(lastError, forKey: .lastError)
        try c.encodeIfPresent(complaints, forKey: .complaints)
        try c.encode(refused, forKey: .refused)
        try c.encode(refusedPerMin, forKey: .refusedPerMin)
        try c.encodeIfPresent(oldestAgeS, forKey: .oldestAgeS)
        try c.encodeIfPresent(drainS, forKey: .drainS)
        try c.encodeIfPresent(latency, forKey: .latency)
        try c.encodeIfPresent(latency?.quantile(0.5), forKey: .latencyP50)
        try c.encodeIfPresent(latency?.quantile(0.95), forKey: .latencyP95)
        try c.encodeIfPresent(latency?.quantile(0.99), forKey: .latencyP99)
    }
}

/// One destination domain across its vmtas (`show domains`, the console's Domains view).
public struct DomainRow: Codable, Hashable, Sendable {
    /// The domain, e.g. `gmail.com`.
    public var name: String
    /// Its figures.
    public var figures: QueueFigures

    /// Creates a row.
    public init(name: String, figures: QueueFigures) { self.name = name; self.figures = figures }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: NameKey.self)
        name = try c.decode(String.self, forKey: .name)
        figures = try QueueFigures(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: NameKey.self)
        try c.encode(name, forKey: .name)
        try figures.encode(to: encoder)
    }

    enum NameKey: String, CodingKey { case name }
}

/// One queue, `domain/vmta` (`show queues`, the console's Queues view).
public struct QueueRow: Codable, Hashable, Sendable {
    /// `domain/vmta`.
    public var name: String
    /// The destination domain.
    public var domain: String
    /// The virtual MTA.
    public var vmta: String
    /// Its figures.
    public var figures: QueueFigures
    /// Its vmta's source addresses disabled for its domain by `disable-source-ip` (JSON
    /// `disabled_sources`, present only when there are some).
    public var disabledSources: [DisabledSourceRow]

    /// Creates a row.
    public init(domain: String, vmta: String, figures: QueueFigures, disabledSources: [DisabledSourceRow] = []) {
        self.name = "\(domain)/\(vmta)"
        self.domain = domain
        self.vmta = vmta
        self.figures = figures
        self.disabledSources = disabledSources
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        name = try c.decode(String.self, forKey: .name)
        domain = try c.decode(String.self, forKey: .domain)
        vmta = try c.decode(String.self, forKey: .vmta)
        disabledSources = try c.decodeIfPresent([DisabledSourceRow].self, forKey: .disabledSources) ?? []
        figures = try QueueFigures(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(name, forKey: .name)
        try c.encode(domain, forKey: .domain)
        try c.encode(vmta, forKey: .vmta)
        if !disabledSources.isEmpty { try c.encode(disabledSources, forKey: .disabledSources) }
        try figures.encode(to: encoder)
    }

    enum Keys: String, CodingKey {
        case name, domain, vmta
        case disabledSources = "disabled_sources"
    }
}

/// One virtual MTA, i.e. one sending IP (`show vmtas`, the console's VMTAs view).
public struct VMTARow: Codable, Hashable, Sendable {
    /// The vmta's name.
    public var name: String
    /// Its source address (smtp-source-host).
    public var source: String
    /// True when paused.
    public var paused: Bool
    /// Open delivery connections.
    public var connections: Int
    /// Recipients queued through it.
    public var queued: Int
    /// Delivered per minute.
    public var deliveredPerMin: Double
    /// Deferred per minute.
    public var deferredPerMin: Double
    /// Delivery connections refused with a reply per minute (JSON `refused_connections_per_min`,
    /// 0 when absent).
    public var refusedPerMin: Double
    /// The busiest destination domains through it, busiest first.
    public var busiestDomains: [String]
    /// Complaints against deliveries through it over the last hour and day (JSON `complaints`,
    /// optional; nil when the node does not report them or has seen nothing for it in 24 hours).
    public var complaints: ComplaintFigures?
    /// Its warm-up schedule's progress (JSON `warmup`, optional; nil without a schedule).
    public var warmup: WarmupFigures?
    /// The DNS blocklists listing its source address, by zone name (empty when none does, or
    /// without a `<blocklist-watch>`).
    public var listings: [BlocklistListing]

    /// Creates a row.
    public init(name: String, source: String, paused: Bool, connections: Int, queued: Int,
                deliveredPerMin: Double, deferredPerMin: Double, busiestDomains: [String], complaints: ComplaintFigures? = nil,
                listings: [BlocklistListing] = [], warmup: WarmupFigures? = nil, refusedPerMin: Double = 0) {
        self.refusedPerMin = refusedPerMin
        self.name = name
        self.source = source
        self.paused = paused
        self.connections = connections
        self.queued = queued
        self.deliveredPerMin = deliveredPerMin
        self.deferredPerMin = deferredPerMin
        self.busiestDomains = busiestDomains
        self.complaints = complaints
        self.listings = listings
        self.warmup = warmup
    }

    /// Decodes a row; `listings` may be missing (a node from before the blocklist watch), and
    /// `warmup` is there only for a vmta with a warm-up schedule.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        source = try c.decode(String.self, forKey: .source)
        paused = try c.decode(Bool.self, forKey: .paused)
        connections = try c.decode(Int.self, forKey: .connections)
        queued = try c.decode(Int.self, forKey: .queued)
        deliveredPerMin = try c.decode(Double.self, forKey: .deliveredPerMin)
        deferredPerMin = try c.decode(Double.self, forKey: .deferredPerMin)
        busiestDomains = try c.decode([String].self, forKey: .busiestDomains)
        complaints = try c.decodeIfPresent(ComplaintFigures.self, forKey: .complaints)
        listings = try c.decodeIfPresent([BlocklistListing].self, forKey: .listings) ?? []
        warmup = try c.decodeIfPresent(WarmupFigures.self, forKey: .warmup)
        refusedPerMin = try c.decodeIfPresent(Double.self, forKey: .refusedPerMin) ?? 0
    }

    enum CodingKeys: String, CodingKey {
        case name, source, paused, connections, queued, complaints, listings, warmup
        case deliveredPerMin = "delivered_per_min"
        case deferredPerMin = "deferred_per_min"
        case busiestDomains = "busiest_domains"
        case refusedPerMin = "refused_connections_per_min"
    }
}

extension DomainRow {
    /// The domain rows of `queues`, one per destination domain in the order the domains first
    /// appear: counts, per-minute rates and connections are summed over the domain's queues; the
    /// rate limit and `why` are its first queue's; the oldest waiting recipient is the oldest of
    /// any queue, the time to empty is the whole domain's at the summed rate, the latency
    /// histograms add up; the mode is `backoff` when any queue is in
    /// backoff; the domain is held when any queue is (a hold is per domain) and paused only when
    /// every queue is; the last error is the first non-empty one. Complaint figures are not summed
    /// (a complaint whose vmta is unknown belongs to the domain and to no queue): the node sets the
    /// domain's own.
    public static func totals(of queues: [QueueRow]) -> [DomainRow] {
        var order: [String] = []
        var grouped: [String: [QueueFigures]] = [:]
        for row in queues {
            if grouped[row.domain] == nil { order.append(row.domain) }
            grouped[row.domain, default: []].append(row.figures)
        }
        return order.compactMap { name in
            guard let f = grouped[name], let first = f.first else { return nil }
            return DomainRow(name: name, figures: QueueFigures(
                queued: f.reduce(0) { $0 + $1.queued }, delivered: f.reduce(0) { $0 + $1.delivered },
                deferred: f.reduce(0) { $0 + $1.deferred }, bounced: f.reduce(0) { $0 + $1.bounced },
                connections: f.reduce(0) { $0 + $1.connections }, deliveredPerMin: f.reduce(0) { $0 + $1.deliveredPerMin },
                deferredPerMin: f.reduce(0) { $0 + $1.deferredPerMin }, bouncedPerMin: f.reduce(0) { $0 + $1.bouncedPerMin },
                rateLimit: first.rateLimit, mode: f.contains { $0.mode == "backoff" } ? "backoff" : "normal",
                held: f.contains(where: \.held), paused: f.allSatisfy(\.paused),
                why: first.why, lastError: f.first { !$0.lastError.isEmpty }?.lastError ?? "",
                refused: f.reduce(0) { $0 + $1.refused }, refusedPerMin: f.reduce(0) { $0 + $1.refusedPerMin },
                oldestAgeS: f.compactMap(\.oldestAgeS).max(),
                drainS: QueueFigures.drainSeconds(queued: f.reduce(0) { $0 + $1.queued },
                                                  deliveredPerMin: f.reduce(0) { $0 + $1.deliveredPerMin }),
                latency: f.compactMap(\.latency).reduce(nil) { sum, h in sum.map { $0 + h } ?? h }))
        }
    }
}
