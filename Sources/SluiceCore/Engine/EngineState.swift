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
    var idleSince: Int64 = 0
}

/// A transaction in flight.
struct InFlightTransaction: Sendable {
    var queue: UInt32
    var slot: UInt32
    var recipients: [UInt32]
    var connection: ConnectionID
    var size: Int
}

/// One queue's scheduling state.
struct QueueState: Sendable {
    let key: QueueKey
    /// The effective settings: configuration plus live overrides, recomputed on reload and on
    /// control changes.
    var settings: DomainSettings
    var patternList: SMTPPatternList?

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
    var hourSlot: Int64 = .min
    var hourCount = 0
    var daySlot: Int64 = .min
    var dayCount = 0

    var mode: QueueMode = .normal
    var backoffSince: Int64 = 0
    var held: Control?
    var paused: Control?

    var connectRetryAt: Int64 = .min
    var connectFailures = 0
    var lastError: String?

    var earliestReadyExpiry: Int64 = .max
    var nextSweep: Int64 = .max
    var lastSweep: Int64 = .min
    var scheduledWake: Int64 = .max

    var stats = TrafficCounters()
    var events: EventRing

    init(key: QueueKey, settings: DomainSettings, patternList: SMTPPatternList?, eventCapacity: Int) {
        self.key = key
        self.settings = settings
        self.patternList = patternList
        self.events = EventRing(capacity: eventCapacity)
    }

    var blocked: Bool { held != nil || paused != nil }

    /// The message interval (µs) in force and the directive that sets it.
    var messageLimit: (interval: Int64?, directive: String, value: Sourced<Rate>) {
        let normal = settings.maxMsgRate
        if mode == .backoff {
            let backoff = settings.backoffMaxMsgRate
            if let b = backoff.value.intervalMicroseconds, b > (normal.value.intervalMicroseconds ?? 0) {
                return (b, "backoff-max-msg-rate", backoff)
            }
        }
        return (normal.value.intervalMicroseconds, "max-msg-rate", normal)
    }

    /// The connection limit in force and the directive that sets it.
    var connectionLimit: (limit: Int, directive: String, value: Sourced<Int>) {
        let normal = settings.maxSmtpOut
        if mode == .backoff, settings.backoffMaxSmtpOut.value < normal.value {
            return (max(1, settings.backoffMaxSmtpOut.value), "backoff-max-smtp-out", settings.backoffMaxSmtpOut)
        }
        return (max(1, normal.value), "max-smtp-out", normal)
    }

    /// The retry list in force.
    var retrySchedule: RetrySchedule {
        mode == .backoff ? settings.backoffRetryAfter.value : settings.retryAfter.value
    }

    var bounceAfterMs: Int64 { settings.bounceAfter.value.milliseconds }
    var idleTimeoutMs: Int64 { settings.idleTimeout.value.milliseconds }
}
