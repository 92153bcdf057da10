import SluiceBase

/// One domain, vmta or job in one minute of the history: what was queued at the end of the
/// minute, what happened during it, and its state word.
///
/// JSON (a line of the spool's `history.jsonl` holds many): short keys, zeros left out —
/// `{"n":"gmail.com","q":48210,"d":312,"f":1480,"s":"BACKOFF"}`.
public struct HistoryRow: Codable, Hashable, Sendable {
    /// The domain, vmta or job.
    public var name: String
    /// Recipients queued at the end of the minute.
    public var queued: Int
    /// Recipients delivered during the minute.
    public var delivered: Int
    /// Delivery attempts deferred during the minute.
    public var deferred: Int
    /// Recipients bounced or expired during the minute.
    public var bounced: Int
    /// Connections refused with a reply (421 at the greeting or after EHLO) during the minute.
    public var refused: Int
    /// `HELD`, `PAUSED`, `BACKOFF`, or empty.
    public var state: String

    /// Creates a row.
    public init(name: String, queued: Int = 0, delivered: Int = 0, deferred: Int = 0, bounced: Int = 0, refused: Int = 0,
                state: String = "") {
        self.name = name
        self.queued = queued
        self.delivered = delivered
        self.deferred = deferred
        self.bounced = bounced
        self.refused = refused
        self.state = state
    }

    /// True when the row says nothing: nothing queued, nothing happened, no state. The history
    /// leaves such rows out.
    public var isIdle: Bool { queued == 0 && delivered == 0 && deferred == 0 && bounced == 0 && refused == 0 && state.isEmpty }

    enum CodingKeys: String, CodingKey {
        case name = "n", queued = "q", delivered = "d", deferred = "f", bounced = "b", refused = "r", state = "s"
    }

    /// Decodes the short form; absent figures are zero.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        queued = try c.decodeIfPresent(Int.self, forKey: .queued) ?? 0
        delivered = try c.decodeIfPresent(Int.self, forKey: .delivered) ?? 0
        deferred = try c.decodeIfPresent(Int.self, forKey: .deferred) ?? 0
        bounced = try c.decodeIfPresent(Int.self, forKey: .bounced) ?? 0
        refused = try c.decodeIfPresent(Int.self, forKey: .refused) ?? 0
        state = try c.decodeIfPresent(String.self, forKey: .state) ?? ""
    }

    /// Encodes the short form, leaving zeros and an empty state out.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        if queued != 0 { try c.encode(queued, forKey: .queued) }
        if delivered != 0 { try c.encode(delivered, forKey: .delivered) }
        if deferred != 0 { try c.encode(deferred, forKey: .deferred) }
        if bounced != 0 { try c.encode(bounced, forKey: .bounced) }
        if refused != 0 { try c.encode(refused, forKey: .refused) }
        if !state.isEmpty { try c.encode(state, forKey: .state) }
    }
}

/// One minute of the node: its totals and the domains, vmtas and jobs that had mail queued,
/// traffic or a state (idle ones are left out). The history keeps one per minute for 24 hours.
public struct HistoryFrame: Codable, Hashable, Sendable {
    /// The minute, in minutes since the Unix epoch (the frame covers `[minute, minute + 1)`).
    public var minute: Int64
    /// The node's totals (its name is empty).
    public var total: HistoryRow
    /// Domains.
    public var domains: [HistoryRow]
    /// Virtual MTAs.
    public var vmtas: [HistoryRow]
    /// Jobs.
    public var jobs: [HistoryRow]

    /// Creates a frame.
    public init(minute: Int64, total: HistoryRow, domains: [HistoryRow] = [], vmtas: [HistoryRow] = [], jobs: [HistoryRow] = []) {
        self.minute = minute
        self.total = total
        self.domains = domains
        self.vmtas = vmtas
        self.jobs = jobs
    }

    enum CodingKeys: String, CodingKey { case minute = "m", total = "t", domains = "d", vmtas = "v", jobs = "j" }

    /// The rows of one kind.
    public func rows(_ kind: HistoryKind) -> [HistoryRow] {
        switch kind {
        case .domain: domains
        case .vmta: vmtas
        case .job: jobs
        }
    }

    /// The most domains a frame keeps: the busiest of the minute (``busyness(_:)``), so that a
    /// day of a 10,000-queue node stays within tens of megabytes (BENCHMARKS.md, "History").
    public static let maxDomains = 300
    /// The most jobs a frame keeps, the busiest.
    public static let maxJobs = 100

    /// How much a row matters to an operator looking back: a state word first, then trouble
    /// (deferrals, refusals, bounces, weighted tenfold), then what is queued and delivered.
    public static func busyness(_ r: HistoryRow) -> Int {
        10 * (r.deferred + r.refused + r.bounced) + r.queued + r.delivered + (r.state.isEmpty ? 0 : 1_000_000_000)
    }

    /// The `limit` busiest of `rows`, in their order.
    public static func busiest(_ rows: [HistoryRow], limit: Int) -> [HistoryRow] {
        guard rows.count > limit else { return rows }
        let kept = Set(rows.indices.sorted { busyness(rows[$0]) > busyness(rows[$1]) }.prefix(limit))
        return rows.indices.filter(kept.contains).map { rows[$0] }
    }

    /// `14:32Z`: the frame's minute, UTC.
    public var clock: String { Self.clock(ofMinute: minute) }

    /// `14:32Z`: a minute since the Unix epoch as a UTC clock.
    public static func clock(ofMinute minute: Int64) -> String {
        let inDay = ((minute % 1440) + 1440) % 1440
        let h = inDay / 60, m = inDay % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)Z"
    }

    /// The minute since the Unix epoch that holds `instant`.
    public static func minute(of instant: Instant) -> Int64 {
        let ms = instant.milliseconds
        return ms >= 0 ? ms / 60_000 : (ms - 59_999) / 60_000
    }
}

/// What a history series is about.
public enum HistoryKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// A destination domain.
    case domain
    /// A virtual MTA.
    case vmta
    /// A job (X-Job).
    case job
}

/// One minute of one domain's, vmta's or job's series (`historySeries`).
public struct HistoryPoint: Codable, Hashable, Sendable {
    /// Minutes since the Unix epoch.
    public var minute: Int64
    /// The row of that minute (all zero when the target was idle).
    public var row: HistoryRow

    /// Creates a point.
    public init(minute: Int64, row: HistoryRow) {
        self.minute = minute
        self.row = row
    }
}
