import SluiceConfig

/// A recipient's life cycle, as the engine reports it.
public enum RecipientState: Hashable, Sendable {
    /// Waiting for a transaction.
    case queued
    /// In a transaction now.
    case inFlight
    /// Deferred; due again at the instant.
    case deferred(until: Instant)
    /// Delivered.
    case delivered
    /// Bounced.
    case bounced
    /// Expired after bounce-after.
    case expired
    /// Deleted by an operator.
    case deleted
}

/// The compact phase stored per recipient.
enum RecipientPhase: UInt8, Sendable {
    case queued, inFlight, deferred, delivered, bounced, expired, deleted

    var isFinal: Bool { rawValue >= RecipientPhase.delivered.rawValue }
}

/// Per-recipient engine state: 16 bytes. The address itself lives once, in the message.
struct RecipientSlot: Sendable {
    /// For a deferred recipient, when it is due again (ms).
    var nextAttempt: Int64 = 0
    /// The queue's index.
    var queue: UInt32
    /// Failed attempts so far.
    var attempts: UInt16 = 0
    var phase: RecipientPhase = .queued
}

/// A message in the engine's table.
struct MessageRecord: Sendable {
    var message: Message
    var recipients: [RecipientSlot]
    /// Recipients not yet final.
    var pending: Int32
    var live: Bool

    static let vacant = MessageRecord(
        message: Message(id: MessageID(0), sender: "", recipients: [], size: 0, vmta: "", receivedAt: .zero),
        recipients: [], pending: 0, live: false)
}

/// An outbound connection's state.
struct ConnectionState: Sendable {
    enum Phase: Sendable { case connecting, idle, busy }
    var queue: UInt32
    var phase: Phase
    var messagesSent = 0
    /// Recipient-level errors (4xx and 5xx replies to recipients) on this connection.
    var recipientErrors = 0
    var idleSince: Int64 = 0
    /// The index of the vmta source address it sends from (see ``QueueState/disabledUntil``).
    var source = 0
}

/// A transaction in flight.
struct InFlightTransaction: Sendable {
    var queue: UInt32
    var slot: UInt32
    var recipients: [UInt32]
    var connection: ConnectionID
    var size: Int
}

/// The numbers a queue schedules by, derived from its effective settings (plain values, so the
/// hot path reads them without touching the settings' strings and origins).
struct QueueLimits: Sendable {
    var messageInterval: Int64?
    var backoffMessageInterval: Int64?
    var connectInterval: Int64?
    var smtpOut: Int
    var backoffSmtpOut: Int
    var maxMsgPerConnection: Int
    var maxRcptPerTransaction: Int
    var perHour: Int
    var perDay: Int
    var bounceAfterMs: Int64
    var idleTimeoutMs: Int64
    var backoffToNormalMs: Int64?
    var toNormalAfterDelivery: Bool
    var retry: RetrySchedule
    var backoffRetry: RetrySchedule
    /// `max-smtp-retries`; 0 is unlimited.
    var maxAttempts: Int
    /// `max-errors-per-connection`; 0 is unlimited.
    var maxErrorsPerConnection: Int
    /// `smtp-553-means-invalid-mailbox`.
    var reads553AsBadMailbox: Bool
    /// True when `max-smtp-out-per-ip` is below `max-smtp-out` (and so is the limit).
    var perIPLimits: Bool
    /// `backoff-reroute-to-virtual-mta`.
    var backoffRerouteVMTA: String?
    /// `backoff-upon-all-sources-disabled`.
    var backoffUponAllSourcesDisabled: Bool

    init(_ s: DomainSettings) {
        messageInterval = s.maxMsgRate.value.intervalMicroseconds
        backoffMessageInterval = s.backoffMaxMsgRate.value.intervalMicroseconds
        connectInterval = s.maxConnectRate.value.intervalMicroseconds
        // Each vmta sends from one source address, so the per-address cap is a cap on the queue.
        let perIP = s.maxSmtpOutPerIP.value
        perIPLimits = perIP > 0 && perIP < s.maxSmtpOut.value
        smtpOut = max(1, perIPLimits ? perIP : s.maxSmtpOut.value)
        backoffSmtpOut = max(1, s.backoffMaxSmtpOut.value)
        maxMsgPerConnection = s.maxMsgPerConnection.value
        maxRcptPerTransaction = max(1, s.maxRcptPerTransaction.value)
        perHour = s.maxMsgPerHour.value
        perDay = s.maxMsgPerDay.value
        bounceAfterMs = s.bounceAfter.value.milliseconds
        idleTimeoutMs = s.idleTimeout.value.milliseconds
        if case .after(let span) = s.backoffToNormalAfter.value { backoffToNormalMs = span.milliseconds }
        toNormalAfterDelivery = s.backoffToNormalAfterDelivery.value
        retry = s.retryAfter.value
        backoffRetry = s.backoffRetryAfter.value
        maxAttempts = s.maxSmtpRetries.value
        maxErrorsPerConnection = s.maxErrorsPerConnection.value
        reads553AsBadMailbox = s.smtp553MeansInvalidMailbox.value
        backoffRerouteVMTA = s.backoffRerouteToVirtualMTA.value
        backoffUponAllSourcesDisabled = s.backoffUponAllSourcesDisabled.value
    }
}

/// A queue's configuration-side state, read off the hot path: effective settings with origins,
/// pattern list, the controls on it, counters and events.
struct QueueInfo: Sendable {
    /// The effective settings: configuration plus live overrides, recomputed on reload and on
    /// control changes.
    var settings: DomainSettings
    var patternList: SMTPPatternList?
    /// The live reply rules covering it, tried before ``patternList`` (``LiveReplyRule``).
    var replyRules: [LiveReplyRule] = []
    var held: Control?
    var paused: Control?
    /// The vmta's source addresses (`smtp-source-host`); empty for the node's own address.
    var sourceAddresses: [String] = []
    /// The sources `disable-source-ip` has disabled for this destination, by source index.
    var disabledSources: [Int: DisabledSource] = [:]
    var lastError: String?
    var stats = TrafficCounters()
    /// Injection-to-final-outcome delays of its recipients (delivered, bounced, expired) since start.
    var latency = LatencyHistogram()
    var events: EventRing
    /// The domain whose MX hosts the queue's connections resolve, when not the queue's own name
    /// (a rolled-up queue: one of its member domains).
    var destination: String?
    /// How good ``destination`` is; a better candidate replaces it.
    var destinationRank = DestinationRank.none
}

/// How well a recipient domain routed into a queue stands for the queue's destination.
enum DestinationRank: UInt8, Comparable, Sendable {
    /// No domain yet: the queue's own name.
    case none
    /// A domain sent to a rolled-up queue by `queue-to`: its MX may not be the rollup's.
    case queueToSource
    /// A domain assigned to the rollup because its MX hosts matched.
    case rollupMember
    /// The queue is a destination itself (its own domain's queue, or a `queue-to` domain).
    case ownName

    static func < (a: DestinationRank, b: DestinationRank) -> Bool { a.rawValue < b.rawValue }
}

/// One queue's scheduling state.
struct QueueState: Sendable {
    let key: QueueKey
    var limits: QueueLimits
    var isHeld = false
    var isPaused = false

    /// Messages with recipients ready to go (FIFO; entries may be stale and are skipped).
    var ready = IndexFIFO()
    /// Deferred messages by due time.
    var waiting = MinHeap<TimedIndex>()
    /// Recipients queued or deferred (not in flight, not final).
    var queued = 0
    /// Recipients in flight.
    var inFlight = 0
    var deferred = 0

    /// Connections counted against the limits: connecting, idle and busy.
    var open = 0
    var connecting = 0
    /// Idle connections, most recently used last.
    var idle: [ConnectionID] = []
    var waitingForSlot = false

    var messageRate = GCRA()
    var connectRate = GCRA()
    /// True while the throttles are shared through the fleet's store (``FleetThrottling/shared``).
    var shared = false
    /// The grants and leases held while shared.
    var quota = FleetQuota()
    var hourSlot: Int64 = .min
    var hourCount = 0
    var daySlot: Int64 = .min
    var dayCount = 0

    var mode: QueueMode = .normal
    var backoffSince: Int64 = 0

    var connectRetryAt: Int64 = .min
    var connectFailures = 0

    /// Per source address of the vmta (one entry for the node's own address), when its
    /// `disable-source-ip` for this destination ends (ms); 0 while it is enabled.
    var disabledUntil: [Int64] = [0]
    /// Entries of ``disabledUntil`` that are not 0.
    var disabledCount = 0
    /// The source the next connection tries first (connections take the sources in turn).
    var sourceCursor = 0

    var earliestReadyExpiry: Int64 = .max
    var nextSweep: Int64 = .max
    var lastSweep: Int64 = .min
    var scheduledWake: Int64 = .max

    init(key: QueueKey, limits: QueueLimits) {
        self.key = key
        self.limits = limits
    }

    /// Held, paused, or every source address disabled for the destination.
    var blocked: Bool { isHeld || isPaused || allSourcesDisabled }

    /// True when `disable-source-ip` has disabled every source address for the destination.
    var allSourcesDisabled: Bool { disabledCount > 0 && disabledCount >= disabledUntil.count }

    /// True when the source with that index is disabled.
    func isDisabled(source: Int) -> Bool { source < disabledUntil.count && disabledUntil[source] != 0 }

    /// When the first disabled source is enabled again; nil when none is disabled.
    var earliestReenable: Int64? { disabledCount == 0 ? nil : disabledUntil.filter { $0 != 0 }.min() }

    /// True when backoff-max-msg-rate is the message rate in force.
    var usesBackoffRate: Bool {
        guard mode == .backoff, let b = limits.backoffMessageInterval else { return false }
        return b > (limits.messageInterval ?? 0)
    }

    /// The message interval (µs) in force: the stricter of max-msg-rate and, in backoff,
    /// backoff-max-msg-rate.
    var messageInterval: Int64? { usesBackoffRate ? limits.backoffMessageInterval : limits.messageInterval }

    /// True when backoff-max-smtp-out is the connection limit in force.
    var usesBackoffSmtpOut: Bool { mode == .backoff && limits.backoffSmtpOut < limits.smtpOut }

    /// The connection limit configured (or overridden) in force, before fleet leases.
    var baseConnectionLimit: Int { usesBackoffSmtpOut ? limits.backoffSmtpOut : limits.smtpOut }

    /// The connection limit in force: while shared, the leases held (never above the base limit).
    var connectionLimit: Int { shared ? min(baseConnectionLimit, quota.leases) : baseConnectionLimit }

    /// True when sending needs fleet grants while shared: a rate or a cap applies.
    var needsGrants: Bool { messageInterval != nil || limits.perHour > 0 || limits.perDay > 0 }

    /// The retry list in force.
    var retrySchedule: RetrySchedule { mode == .backoff ? limits.backoffRetry : limits.retry }

    var bounceAfterMs: Int64 { limits.bounceAfterMs }
    var idleTimeoutMs: Int64 { limits.idleTimeoutMs }

    /// The hourly or daily cap that is reached, with the instant its window ends.
    func capReached(now: Int64) -> (directive: String, until: Int64)? {
        let perHour = limits.perHour, perDay = limits.perDay
        if perHour > 0, hourSlot == floorDiv(now, 3_600_000), hourCount >= perHour {
            return ("max-msg-per-hour", (hourSlot + 1) * 3_600_000)
        }
        if perDay > 0, daySlot == floorDiv(now, 86_400_000), dayCount >= perDay {
            return ("max-msg-per-day", (daySlot + 1) * 86_400_000)
        }
        return nil
    }

    /// True when the queue may start a message now: not held or paused, within the message rate
    /// in force and the hourly and daily caps.
    func sendAllowed(now: Int64, burst: Int) -> Bool {
        guard !blocked else { return false }
        if let interval = messageInterval, !messageRate.allows(nowMs: now, interval: interval, burst: burst) {
            return false
        }
        if shared, needsGrants, quota.grants(now: now) == 0 { return false }
        return capReached(now: now) == nil
    }

    /// The queue's next wakeup: the earliest of the next due retry, the instant the rate or a cap
    /// allows the next send (when a connection could carry it), the retry wait after a connection
    /// failure, the next idle timeout, backoff ending, a disabled source's end and the next expiry
    /// sweep; nil for none.
    func nextWake(now: Int64, burst: Int, oldestIdleSince: Int64?) -> Int64? {
        var t = Int64.max
        if let due = waiting.min?.time { t = min(t, due) }
        if mode == .backoff, let span = limits.backoffToNormalMs { t = min(t, satAdd(backoffSince, span)) }
        if let since = oldestIdleSince { t = min(t, satAdd(since, idleTimeoutMs)) }
        if let reenable = earliestReenable { t = min(t, reenable) }
        if !ready.isEmpty {
            t = min(t, nextSweep)
            // While shared: ask the store again once its refusal's wait is over.
            if shared, !blocked {
                if needsGrants, quota.grantRetryAt > now { t = min(t, quota.grantRetryAt) }
                if quota.leaseRetryAt > now { t = min(t, quota.leaseRetryAt) }
                if quota.grants > 0, quota.grantsExpireAt > now { t = min(t, quota.grantsExpireAt) }
            }
            let canCarry = !idle.isEmpty || (open < connectionLimit && !waitingForSlot)
            if !blocked, canCarry {
                var next = now
                if let interval = messageInterval {
                    next = max(next, messageRate.nextAllowedMs(interval: interval, burst: burst))
                }
                if let cap = capReached(now: now) { next = max(next, cap.until) }
                if idle.isEmpty {
                    next = max(next, connectRetryAt)
                    if let interval = limits.connectInterval {
                        next = max(next, connectRate.nextAllowedMs(interval: interval, burst: 1))
                    }
                }
                if next > now { t = min(t, next) }
            }
        }
        return t == .max ? nil : t
    }
}
