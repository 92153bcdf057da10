/// The reputation loop's figures, as pure state: deliveries and complaints per domain, per queue
/// and per virtual MTA over the last hour and 24 hours (complaint rates per 1,000 delivered with
/// their ``ComplaintLevel``), the recent complaints and asynchronous bounces of each domain, and
/// node-wide counts of suppressed injections, DSNs sent, complaints, asynchronous bounces and
/// unreadable reports. No I/O and no clock: every event carries its time, every read is at an
/// instant, so a test drives days of traffic in milliseconds.
///
/// Memory is bounded for thousands of domains: a key (domain, queue or vmta) whose newest event is
/// more than 24 hours old holds only zeros and is dropped (checked once a minute of event time),
/// and each of the three key spaces holds at most ``maxKeys`` keys; a new key beyond that evicts
/// the least recently active one. An evicted key's totals start again from zero if it comes back.
/// The label sets of the node-wide breakdowns (DSN actions, feedback types, bounce categories) are
/// capped at ``maxLabels``; further labels are counted as `other`.
public struct ReputationStats: Sendable {
    /// A recent complaint or asynchronous bounce of a domain, for the console's Detail view.
    public struct Note: Hashable, Sendable {
        /// Which of the two.
        public enum Kind: String, Hashable, Sendable {
            /// A feedback-loop report (event kind `complaint`).
            case complaint
            /// A bounce reported after the remote server had accepted the mail (`async-bounce`).
            case asyncBounce = "async-bounce"
        }

        /// When it arrived.
        public var time: Instant
        /// Complaint or asynchronous bounce.
        public var kind: Kind
        /// The virtual MTA of the original message, empty when it was not found.
        public var vmta: String
        /// The complaining or bouncing address.
        public var recipient: String
        /// The reply code of a bounce when known, else 0.
        public var code: Int
        /// The feedback type of a complaint, the bounce category of a bounce.
        public var category: String
        /// A short description (the report's source, the diagnostic).
        public var detail: String
    }

    private struct Domain: Sendable {
        var windows: ComplaintWindows
        var recent: BoundedRing<Note>?
    }

    /// The spam-rate thresholds the levels are computed against.
    public let thresholds: ComplaintThresholds
    /// The most keys kept per key space (domains, queues, vmtas).
    public let maxKeys: Int
    /// How many recent complaints and asynchronous bounces are kept per domain.
    public let recentPerDomain: Int
    /// The most labels kept per node-wide breakdown.
    public let maxLabels: Int

    private var domains: [String: Domain] = [:]
    private var queues: [QueueKey: ComplaintWindows] = [:]
    private var vmtas: [String: ComplaintWindows] = [:]
    private var lastPruneMinute: Int64 = .min

    private var suppressed = 0
    private var suppressedSeconds = BucketRing(slots: 60, slotMs: 1_000)
    private var suppressedMinutes = BucketRing(slots: ComplaintWindows.minutesPerHour, slotMs: ComplaintWindows.minuteMs)
    private var dsns = 0
    private var dsnSeconds = BucketRing(slots: 60, slotMs: 1_000)
    private var dsnsByAction: [String: Int] = [:]
    private var complaints = 0
    private var complaintsByType: [String: Int] = [:]
    private var asyncBounces = 0
    private var asyncBouncesByCategory: [String: Int] = [:]
    private var reportsUnparsed = 0

    /// Empty stats.
    public init(thresholds: ComplaintThresholds = ComplaintThresholds(), maxKeys: Int = 10_000,
                recentPerDomain: Int = 20, maxLabels: Int = 32) {
        self.thresholds = thresholds
        self.maxKeys = max(1, maxKeys)
        self.recentPerDomain = max(1, recentPerDomain)
        self.maxLabels = max(1, maxLabels)
    }

    // MARK: - Input

    /// Counts `event`, which happened at `time`.
    public mutating func record(_ event: ReputationEvent, at time: Instant) {
        let ms = time.milliseconds
        let keep = recentPerDomain
        pruneIfDue(atMs: ms)
        switch event {
        case .delivered(let domain, let vmta):
            updateDomain(domain, atMs: ms) { $0.windows.delivered(atMs: ms) }
            updateQueue(domain, vmta, atMs: ms) { $0.delivered(atMs: ms) }
            updateVMTA(vmta, atMs: ms) { $0.delivered(atMs: ms) }
        case .complaint(let domain, let vmta, let recipient, let type, let detail):
            complaints += 1
            Self.count(Self.label(type), in: &complaintsByType, cap: maxLabels)
            let note = Note(time: time, kind: .complaint, vmta: vmta, recipient: recipient, code: 0,
                            category: Self.label(type), detail: detail)
            updateDomain(domain, atMs: ms) { $0.windows.complaint(atMs: ms); Self.remember(note, in: &$0, capacity: keep) }
            updateQueue(domain, vmta, atMs: ms) { $0.complaint(atMs: ms) }
            updateVMTA(vmta, atMs: ms) { $0.complaint(atMs: ms) }
        case .asyncBounce(let domain, let vmta, let recipient, let code, let category, let detail):
            asyncBounces += 1
            Self.count(Self.label(category), in: &asyncBouncesByCategory, cap: maxLabels)
            let note = Note(time: time, kind: .asyncBounce, vmta: vmta, recipient: recipient, code: code,
                            category: Self.label(category), detail: detail)
            updateDomain(domain, atMs: ms) { $0.windows.asyncBounce(atMs: ms); Self.remember(note, in: &$0, capacity: keep) }
            updateQueue(domain, vmta, atMs: ms) { $0.asyncBounce(atMs: ms) }
            updateVMTA(vmta, atMs: ms) { $0.asyncBounce(atMs: ms) }
        case .suppressed:
            suppressed += 1
            suppressedSeconds.add(atMs: ms)
            suppressedMinutes.add(atMs: ms)
        case .dsnSent(let action):
            dsns += 1
            dsnSeconds.add(atMs: ms)
            Self.count(Self.label(action), in: &dsnsByAction, cap: maxLabels)
        case .reportUnparsed:
            reportsUnparsed += 1
        }
    }

    /// Forgets every key idle for 24 hours at `time` (recording does this once a minute by
    /// itself; a reader may call it to bound memory when events stop).
    public mutating func prune(at time: Instant) {
        let ms = time.milliseconds
        domains = domains.filter { !$0.value.windows.isIdle(atMs: ms) }
        queues = queues.filter { !$0.value.isIdle(atMs: ms) }
        vmtas = vmtas.filter { !$0.value.isIdle(atMs: ms) }
    }

    // MARK: - Reading

    /// A domain's figures at `time`, nil for a domain without events in the last 24 hours.
    public func figures(domain: String, at time: Instant) -> ComplaintFigures? {
        domains[domain.lowercased()]?.windows.figures(atMs: time.milliseconds, thresholds: thresholds)
    }

    /// A queue's figures at `time`, nil for a queue without events in the last 24 hours.
    public func figures(queue: QueueKey, at time: Instant) -> ComplaintFigures? {
        queues[queue]?.figures(atMs: time.milliseconds, thresholds: thresholds)
    }

    /// A virtual MTA's figures at `time`, nil for one without events in the last 24 hours.
    public func figures(vmta: String, at time: Instant) -> ComplaintFigures? {
        vmtas[vmta]?.figures(atMs: time.milliseconds, thresholds: thresholds)
    }

    /// A domain's recent complaints and asynchronous bounces, oldest first; only the given
    /// virtual MTA's when `vmta` is not nil.
    public func recent(domain: String, vmta: String? = nil) -> [Note] {
        let notes = domains[domain.lowercased()]?.recent?.ordered ?? []
        guard let vmta else { return notes }
        return notes.filter { $0.vmta == vmta }
    }

    /// The node-wide figures at `time`.
    public func totals(at time: Instant) -> ReputationTotals {
        let ms = time.milliseconds
        return ReputationTotals(
            suppressed: suppressed, suppressedLastMinute: suppressedSeconds.sum(lastSlots: 60, atMs: ms),
            suppressedHistory: suppressedMinutes.series(atMs: ms), dsnsSent: dsns,
            dsnsLastMinute: dsnSeconds.sum(lastSlots: 60, atMs: ms), dsnsByAction: dsnsByAction,
            complaints: complaints, complaintsByType: complaintsByType, asyncBounces: asyncBounces,
            asyncBouncesByCategory: asyncBouncesByCategory, reportsUnparsed: reportsUnparsed)
    }

    /// How many domains, queues and virtual MTAs are tracked.
    public var keyCounts: (domains: Int, queues: Int, vmtas: Int) { (domains.count, queues.count, vmtas.count) }

    // MARK: - Keys

    private mutating func updateDomain(_ name: String, atMs ms: Int64, _ change: (inout Domain) -> Void) {
        let key = name.lowercased()
        if domains[key] == nil, domains.count >= maxKeys,
           let oldest = domains.min(by: { $0.value.windows.lastMs < $1.value.windows.lastMs }) {
            domains[oldest.key] = nil
        }
        change(&domains[key, default: Domain(windows: ComplaintWindows(firstMs: ms))])
    }

    private mutating func updateQueue(_ domain: String, _ vmta: String, atMs ms: Int64, _ change: (inout ComplaintWindows) -> Void) {
        guard !vmta.isEmpty else { return }
        Self.update(&queues, QueueKey(domain: domain, vmta: vmta), cap: maxKeys, atMs: ms, change)
    }

    private mutating func updateVMTA(_ vmta: String, atMs ms: Int64, _ change: (inout ComplaintWindows) -> Void) {
        guard !vmta.isEmpty else { return }
        Self.update(&vmtas, vmta, cap: maxKeys, atMs: ms, change)
    }

    private static func update<Key: Hashable>(_ space: inout [Key: ComplaintWindows], _ key: Key, cap: Int, atMs ms: Int64,
                                              _ change: (inout ComplaintWindows) -> Void) {
        if space[key] == nil, space.count >= cap, let oldest = space.min(by: { $0.value.lastMs < $1.value.lastMs }) {
            space[oldest.key] = nil
        }
        change(&space[key, default: ComplaintWindows(firstMs: ms)])
    }

    private static func remember(_ note: Note, in domain: inout Domain, capacity: Int) {
        if domain.recent == nil { domain.recent = BoundedRing(capacity: capacity) }
        domain.recent?.push(note)
    }

    private mutating func pruneIfDue(atMs ms: Int64) {
        let minute = floorDiv(ms, ComplaintWindows.minuteMs)
        guard minute > lastPruneMinute else { return }
        lastPruneMinute = minute
        prune(at: Instant(milliseconds: ms))
    }

    // MARK: - Labels

    /// A label as counted: trimmed and lowercased, `other` when empty.
    static func label(_ text: String) -> String {
        let trimmed = text.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()
        return trimmed.isEmpty ? "other" : String(trimmed).lowercased()
    }

    /// Counts `label` in `counts`, as `other` once `cap` distinct labels are there.
    static func count(_ label: String, in counts: inout [String: Int], cap: Int) {
        let key = counts[label] != nil || counts.count < cap ? label : "other"
        counts[key, default: 0] += 1
    }
}
