import SluiceBase

/// Whether a clustered reply deferred or bounced its recipient.
public enum ReplyOutcome: String, Hashable, Sendable {
    /// A temporary failure: the recipient stays queued.
    case deferred
    /// A permanent failure: the recipient is bounced.
    case bounced
}

/// One template's figures, as ``ReplyPatternStats/summaries(at:limit:)`` reports them.
public struct ReplyPatternSummary: Hashable, Sendable {
    /// The normalised reply (``DiagnosticTemplate``).
    public var template: String
    /// The newest reply that produced it, as received.
    public var example: String
    /// Deferrals and bounces in the last hour.
    public var deferredLastHour: Int
    /// Bounces in the last hour (part of ``count``).
    public var bouncedLastHour: Int
    /// Replies in the last hour, deferrals and bounces.
    public var count: Int { deferredLastHour + bouncedLastHour }
    /// Replies since the template was first seen (while it stayed in the table).
    public var total: Int
    /// Replies per minute over the last hour, oldest first (60 values).
    public var perMinute: [Int]
    /// When it was first seen.
    public var firstSeen: Instant
    /// When it was last seen.
    public var lastSeen: Instant
    /// The domains it hits: name, its replies there in the last hour, and their share of all the
    /// domain's deferrals and bounces in the last hour; most hit first.
    public var domains: [ReplyPatternShare]
    /// The vmtas it hits, likewise.
    public var vmtas: [ReplyPatternShare]
}

/// How much of a domain's (or vmta's) trouble one template is.
public struct ReplyPatternShare: Hashable, Sendable {
    /// The domain or vmta.
    public var name: String
    /// The template's replies there in the last hour.
    public var count: Int
    /// `count` over every deferral and bounce there in the last hour, 0…1.
    public var share: Double
}

/// A reply as recorded for dry runs of reply rules: when, on which queue, what it said.
public struct RecordedReply: Hashable, Sendable {
    /// When it was received.
    public var time: Instant
    /// The queue it was for.
    public var queue: QueueKey
    /// The reply, as received.
    public var reply: String
    /// Deferred or bounced.
    public var outcome: ReplyOutcome

    /// Creates a recorded reply.
    public init(time: Instant, queue: QueueKey, reply: String, outcome: ReplyOutcome) {
        self.time = time
        self.queue = queue
        self.reply = reply
        self.outcome = outcome
    }
}

/// Deferral and bounce replies clustered into templates (``DiagnosticTemplate``) with per-minute
/// counts over the last hour and the domains and vmtas each one hits. Bounded memory: at most
/// ``capacity`` templates (the least recently seen are dropped first, a tenth at a time so that
/// eviction costs O(log n) per reply amortised), at most ``namesPerTemplate`` domains and vmtas
/// per template, and the ``replyCapacity`` newest raw replies for dry runs.
///
/// Pure: time comes in with each call.
public struct ReplyPatternStats: Sendable {
    /// The most templates kept.
    public let capacity: Int
    /// The most domains (and vmtas) counted per template.
    public let namesPerTemplate: Int
    /// The most raw replies kept for dry runs.
    public let replyCapacity: Int

    private struct Entry: Sendable {
        var example: String
        var minutes = BucketRing(slots: 60, slotMs: 60_000)
        var bouncedMinutes = BucketRing(slots: 60, slotMs: 60_000)
        var total = 0
        var firstSeen: Instant
        var lastSeen: Instant
        var domains: [String: BucketRing] = [:]
        var vmtas: [String: BucketRing] = [:]
    }

    private var entries: [String: Entry] = [:]
    private var domainTotals: [String: BucketRing] = [:]
    private var vmtaTotals: [String: BucketRing] = [:]
    private var replies: [RecordedReply] = []
    private var replyNext = 0

    /// An empty table.
    public init(capacity: Int = 2_000, namesPerTemplate: Int = 16, replyCapacity: Int = 50_000) {
        self.capacity = max(1, capacity)
        self.namesPerTemplate = max(1, namesPerTemplate)
        self.replyCapacity = max(0, replyCapacity)
    }

    /// Templates currently kept.
    public var templateCount: Int { entries.count }

    /// Counts one deferral or bounce `reply` given on `queue` at `time`.
    public mutating func record(_ reply: String, outcome: ReplyOutcome, queue: QueueKey, at time: Instant) {
        let ms = time.milliseconds
        let template = DiagnosticTemplate.normalise(reply)
        if entries.count >= capacity, entries[template] == nil { evictOldest() }
        // Updated in place: one hash of the template, no copy of its rings.
        Self.update(&entries[template, default: Entry(example: reply, firstSeen: time, lastSeen: time)],
                    reply: reply, outcome: outcome, queue: queue, at: time, namesPerTemplate: namesPerTemplate)
        domainTotals[queue.domain, default: BucketRing(slots: 60, slotMs: 60_000)].add(atMs: ms)
        vmtaTotals[queue.vmta, default: BucketRing(slots: 60, slotMs: 60_000)].add(atMs: ms)
        guard replyCapacity > 0 else { return }
        let recorded = RecordedReply(time: time, queue: queue, reply: reply, outcome: outcome)
        if replies.count < replyCapacity { replies.append(recorded) } else { replies[replyNext] = recorded }
        replyNext = (replyNext + 1) % replyCapacity
    }

    /// The raw replies kept that were received at or after `since`, oldest first.
    public func recordedReplies(since: Instant) -> [RecordedReply] {
        let ordered = replies.count < replyCapacity ? replies : Array(replies[replyNext...] + replies[..<replyNext])
        return ordered.filter { $0.time >= since }
    }

    /// The `limit` templates with the most replies in the last hour at `now` (ties: most recent
    /// first), leaving out those with none.
    public func summaries(at now: Instant, limit: Int) -> [ReplyPatternSummary] {
        let ms = now.milliseconds
        let counted = entries.compactMap { template, entry -> (String, Entry, Int)? in
            let n = entry.minutes.sum(lastSlots: 60, atMs: ms)
            return n > 0 ? (template, entry, n) : nil
        }
        let top = counted.sorted { a, b in
            a.2 != b.2 ? a.2 > b.2 : (a.1.lastSeen != b.1.lastSeen ? a.1.lastSeen > b.1.lastSeen : a.0 < b.0)
        }.prefix(max(0, limit))
        return top.map { template, entry, n in
            let bounced = entry.bouncedMinutes.sum(lastSlots: 60, atMs: ms)
            return ReplyPatternSummary(
                template: template, example: entry.example, deferredLastHour: n - bounced, bouncedLastHour: bounced,
                total: entry.total, perMinute: entry.minutes.series(atMs: ms), firstSeen: entry.firstSeen, lastSeen: entry.lastSeen,
                domains: Self.shares(entry.domains, of: domainTotals, atMs: ms), vmtas: Self.shares(entry.vmtas, of: vmtaTotals, atMs: ms))
        }
    }

    private static func shares(_ counts: [String: BucketRing], of totals: [String: BucketRing], atMs ms: Int64) -> [ReplyPatternShare] {
        counts.compactMap { name, ring -> ReplyPatternShare? in
            let n = ring.sum(lastSlots: 60, atMs: ms)
            guard n > 0 else { return nil }
            let all = max(n, totals[name]?.sum(lastSlots: 60, atMs: ms) ?? n)
            return ReplyPatternShare(name: name, count: n, share: Double(n) / Double(all))
        }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
    }

    private static func update(_ entry: inout Entry, reply: String, outcome: ReplyOutcome, queue: QueueKey, at time: Instant,
                               namesPerTemplate: Int) {
        let ms = time.milliseconds
        entry.example = reply
        entry.total += 1
        entry.lastSeen = max(entry.lastSeen, time)
        entry.minutes.add(atMs: ms)
        if outcome == .bounced { entry.bouncedMinutes.add(atMs: ms) }
        count(queue.domain, in: &entry.domains, limit: namesPerTemplate, atMs: ms)
        count(queue.vmta, in: &entry.vmtas, limit: namesPerTemplate, atMs: ms)
    }

    /// Counts `name` in `counts`; past `limit` names, the least counted half is dropped.
    private static func count(_ name: String, in counts: inout [String: BucketRing], limit: Int, atMs ms: Int64) {
        if counts.count >= limit, counts[name] == nil {
            // Each name's hour summed once, not once per comparison.
            let keep = counts.map { (name: $0.key, ring: $0.value, sum: $0.value.sum(lastSlots: 60, atMs: ms)) }
                .sorted { $0.sum > $1.sum }.prefix(limit / 2)
            counts = Dictionary(uniqueKeysWithValues: keep.map { ($0.name, $0.ring) })
        }
        counts[name, default: BucketRing(slots: 60, slotMs: 60_000)].add(atMs: ms)
    }

    /// Drops the least recently seen tenth of the templates (at least one).
    private mutating func evictOldest() {
        let drop = max(1, entries.count / 10)
        for (template, _) in entries.sorted(by: { $0.value.lastSeen < $1.value.lastSeen }).prefix(drop) {
            entries[template] = nil
        }
    }
}
