import SluiceConfig

/// The delivery engine as a pure state machine: inputs in (a message injected, a connection
/// opened, a transaction's replies, a tick of the clock, an operator command), actions out (open a
/// connection, run a transaction, record an outcome). No sockets, no files, no clock: every input
/// carries the current instant, so hours of traffic can be simulated in milliseconds.
///
/// The I/O layer owns one engine (on one actor), performs the actions, and calls ``tick(now:)``
/// when ``nextWakeup`` arrives.
public struct DeliveryEngine: Sendable {
    /// The configuration in force.
    public private(set) var configuration: any EngineConfiguration
    /// The configuration's rolled-up queue names, read once per configuration.
    var rollupQueueNames: Set<String>
    /// Engine-wide knobs.
    public let tuning: EngineTuning
    var classifier: BounceClassifier
    var categoryCache: [String: BounceCategory] = [:]

    var messages: [MessageRecord] = []
    var freeSlots: [UInt32] = []
    var slotOfMessage: [MessageID: UInt32] = [:]

    var queues: [QueueState] = []
    var queueInfo: [QueueInfo] = []
    var queueIndex: [QueueKey: UInt32] = [:]
    var wakeups = MinHeap<TimedIndex>()

    var connections: [ConnectionID: ConnectionState] = [:]
    var transactions: [TransactionID: InFlightTransaction] = [:]
    var totalConnections = 0
    var slotWaiters = IndexFIFO()
    /// The waiting queue being granted a free slot right now.
    var slotGrantee: UInt32?
    var nextConnectionID: UInt64 = 1
    var nextTransactionID: UInt64 = 1

    var controls: [Control] = []
    /// The override file's throttles still in force (``setPersistedThrottles(_:now:)``).
    var persistedThrottles: [PersistedThrottle] = []
    var nextControlID: UInt64 = 1
    var poolCursors: [String: Int] = [:]
    /// Warm-up schedules' progress and the pools' cold members' counts.
    var warmup = WarmupBook()
    /// Where the throttles are kept (``setFleetThrottling(_:now:)``).
    var fleet = FleetThrottling.local

    /// The rolled-up queue name of each recipient domain (lower case) given one by
    /// ``assignRollup(_:to:)``; cleared on reload.
    var rollupOfDomain: [String: String] = [:]
    /// The queue each recipient domain (lower case) goes to, per vmta, once routed: queue-to and
    /// rollups are worked out once per domain and vmta, not per recipient. Cleared on reload;
    /// a domain's entries when its rollup changes.
    var routes: [String: [String: UInt32]] = [:]

    var queuesOfDomain: [String: [UInt32]] = [:]
    var queuesOfVMTA: [String: [UInt32]] = [:]
    var totalCounters = TrafficCounters()
    var events: EventRing
    /// Per-job figures and parked mail, by job id (``JobLedger``).
    var jobs: [String: JobLedger] = [:]
    /// The jobs a pause control covers now.
    var pausedJobs: Set<String> = []
    /// When finished jobs were last forgotten and paused jobs' parked mail last checked for
    /// expiry (ms): once a minute.
    var jobsPrunedAt: Int64 = .min
    /// The last deferral reply per deferred recipient (`slot << 32 | index`), for expiry records.
    var lastReplies: [UInt64: String] = [:]

    /// Creates an engine with no messages.
    public init(configuration: any EngineConfiguration, tuning: EngineTuning = EngineTuning()) {
        self.configuration = configuration
        self.rollupQueueNames = configuration.rollupQueueNames
        self.tuning = tuning
        self.classifier = BounceClassifier(rules: configuration.bounceCategoryRules)
        self.events = EventRing(capacity: tuning.globalEventCapacity)
        warmup.configure(configuration)
    }

    // MARK: - Inputs

    /// Accepts a message: chooses its virtual MTA (``InjectionRoute``), files each recipient in
    /// the queue of its domain and that vmta, and starts work that may start now.
    ///
    /// - Throws: ``InjectionError`` for a message without recipients, a recipient without a
    ///   domain, a duplicate id or an unknown virtual MTA; nothing is stored then.
    public mutating func inject(_ message: Message, route: InjectionRoute = InjectionRoute(),
                                now: Instant) throws(InjectionError) -> [EngineAction] {
        try validate(message)
        var message = message
        message.vmta = try chooseVirtualMTA(route, recipients: message.recipients, now: now.milliseconds)
        var actions: [EngineAction] = []
        expireControls(now: now, into: &actions)
        admit(message, restoring: nil, now: now.milliseconds, into: &actions)
        finishInput(now: now.milliseconds, into: &actions)
        return actions
    }

    /// Re-admits a message after a restart with its recipients' progress (attempts, next attempt,
    /// or final); `message.vmta` is kept as stored.
    ///
    /// - Throws: ``InjectionError`` as ``inject(_:route:now:)``, or `.recipientCountMismatch`.
    public mutating func restore(_ message: Message, recipients: [RestoredRecipient],
                                 now: Instant) throws(InjectionError) -> [EngineAction] {
        try validate(message)
        guard recipients.count == message.recipients.count else {
            throw .recipientCountMismatch(expected: message.recipients.count, found: recipients.count)
        }
        guard !message.vmta.isEmpty else { throw .unknownVirtualMTA("") }
        var actions: [EngineAction] = []
        expireControls(now: now, into: &actions)
        admit(message, restoring: recipients, now: now.milliseconds, into: &actions)
        finishInput(now: now.milliseconds, into: &actions)
        return actions
    }

    /// Re-installs a persisted control after a restart (keeping its id); an expired one is dropped.
    public mutating func restore(_ control: Control, now: Instant) -> [EngineAction] {
        var actions: [EngineAction] = []
        nextControlID = max(nextControlID, control.id + 1)
        if let expiresAt = control.expiresAt, expiresAt <= now { return [] }
        install(control, now: now.milliseconds, announce: false, into: &actions)
        finishInput(now: now.milliseconds, into: &actions)
        return actions
    }

    /// Does whatever is due: retries, rate-limited sends, idle timeouts, backoff returning to
    /// normal, control and persisted-throttle expiries. Call it when ``nextWakeup`` arrives (calling it early is harmless).
    public mutating func tick(now: Instant) -> [EngineAction] {
        var actions: [EngineAction] = []
        let ms = now.milliseconds
        expireControls(now: now, into: &actions)
        rollWarmup(now: ms)
        if ms >= satAdd(jobsPrunedAt, 60_000) {
            jobsPrunedAt = ms
            forgetFinishedJobs(now: ms)
            expireParked(now: ms, into: &actions)
        }
        while let top = wakeups.min, top.time <= ms {
            _ = wakeups.popMin()
            let q = top.index
            guard queues[Int(q)].scheduledWake == top.time else { continue }
            queues[Int(q)].scheduledWake = .max
            service(q, now: ms, into: &actions)
        }
        finishInput(now: ms, into: &actions)
        return actions
    }

    /// When the engine next has something to do on its own, or nil.
    public var nextWakeup: Instant? {
        var t = wakeups.min?.time ?? .max
        for control in controls {
            if let e = control.expiresAt { t = min(t, e.milliseconds) }
        }
        for throttle in persistedThrottles {
            if let e = throttle.expiresAt { t = min(t, e.milliseconds) }
        }
        // Parked mail of a paused job still expires: look at it once a minute.
        if !pausedJobs.isEmpty { t = min(t, satAdd(jobsPrunedAt, 60_000)) }
        return t == .max ? nil : Instant(milliseconds: t)
    }

    /// A connection asked for by ``EngineAction/openConnection(_:_:)`` is ready (greeting and
    /// EHLO done); the engine may start a transaction on it. Unknown ids are ignored.
    public mutating func connectionOpened(_ id: ConnectionID, now: Instant) -> [EngineAction] {
        var actions: [EngineAction] = []
        let ms = now.milliseconds
        expireControls(now: now, into: &actions)
        guard var connection = connections[id], connection.phase == .connecting else { return actions }
        let q = Int(connection.queue)
        connection.phase = .idle
        connection.idleSince = ms
        connections[id] = connection
        queues[q].connecting -= 1
        queues[q].connectFailures = 0
        queues[q].idle.append(id)
        service(connection.queue, now: ms, into: &actions)
        finishInput(now: ms, into: &actions)
        return actions
    }

    /// The queue a connection (open or being opened) belongs to.
    public func queueKey(ofConnection id: ConnectionID) -> QueueKey? {
        connections[id].map { queues[Int($0.queue)].key }
    }

    /// A connection could not be opened. The queue opens no new connection until the next step of
    /// its retry list; when it has no other connection, its next transaction is deferred with the
    /// failure (an attempt for those recipients).
    public mutating func connectionFailed(_ id: ConnectionID, _ failure: ConnectionFailure,
                                          now: Instant) -> [EngineAction] {
        var actions: [EngineAction] = []
        let ms = now.milliseconds
        expireControls(now: now, into: &actions)
        guard let connection = connections[id], connection.phase == .connecting else { return actions }
        let q = connection.queue
        forget(id, into: &actions, notify: false)
        queueInfo[Int(q)].lastError = failure.reply.dsnDiag
        record(event: EngineEvent(time: now, kind: .connectionFailed, queue: queues[Int(q)].key,
                                  detail: failure.reply.dsnDiag, category: failure.category), queue: q)
        // A refusal with a reply (421 at the greeting or after EHLO) is the remote host deferring
        // the queue's mail: counted whether or not it carries recipients with it below.
        if case .rejected = failure { count(.refusedConnections, queue: q, now: ms) }
        applyPatterns(q, to: failure.reply, source: connection.source, now: ms, into: &actions)
        // No new connection until the retry list's next step; when this was the queue's last
        // connection, the failure counts as an attempt for the transaction it would have carried.
        let alone = queues[Int(q)].open == 0
        if alone { queues[Int(q)].connectFailures += 1 }
        let delay = queues[Int(q)].retrySchedule.delay(afterFailedAttempts: max(1, queues[Int(q)].connectFailures))
        queues[Int(q)].connectRetryAt = max(queues[Int(q)].connectRetryAt, satAdd(ms, delay.milliseconds))
        if alone, !queues[Int(q)].blocked {
            if let (slot, picks) = nextBatch(q, now: ms, into: &actions) {
                for i in picks { markInFlight(slot, Int(i)) }
                deferRecipients(slot, picks, queue: q, reply: failure.reply, category: failure.category,
                                now: ms, into: &actions)
            }
        }
        service(q, now: ms, into: &actions)
        finishInput(now: ms, into: &actions)
        return actions
    }

    /// A transaction finished: one reply per recipient in the transaction's order (a single reply
    /// applies to all, e.g. the reply to DATA). 2xx delivers, 5xx bounces, anything else defers.
    /// The connection becomes idle (or is closed by max-msg-per-connection); with
    /// `connectionReusable` false (the peer said 421 or hung up after answering) it is gone
    /// instead, and no transaction is started on it. Unknown ids are ignored.
    public mutating func transactionCompleted(_ id: TransactionID, replies: [SMTPReply],
                                              connectionReusable: Bool = true, now: Instant) -> [EngineAction] {
        var actions: [EngineAction] = []
        let ms = now.milliseconds
        expireControls(now: now, into: &actions)
        guard let tx = transactions.removeValue(forKey: id) else { return actions }
        complete(tx, replies: replies, now: ms, into: &actions)
        if connectionReusable {
            release(tx.connection, now: ms, into: &actions)
        } else {
            forget(tx.connection, into: &actions, notify: false)
        }
        service(tx.queue, now: ms, into: &actions)
        finishInput(now: ms, into: &actions)
        return actions
    }

    /// A transaction broke (connection lost, reply timeout): its recipients are deferred with the
    /// failure and the connection is gone.
    public mutating func transactionFailed(_ id: TransactionID, _ failure: ConnectionFailure,
                                           now: Instant) -> [EngineAction] {
        var actions: [EngineAction] = []
        let ms = now.milliseconds
        expireControls(now: now, into: &actions)
        guard let tx = transactions.removeValue(forKey: id) else { return actions }
        fail(tx, failure, now: ms, into: &actions)
        service(tx.queue, now: ms, into: &actions)
        finishInput(now: ms, into: &actions)
        return actions
    }

    /// The remote side closed a connection. A transaction still running on it fails with
    /// bad-connection.
    public mutating func connectionClosed(_ id: ConnectionID, now: Instant) -> [EngineAction] {
        var actions: [EngineAction] = []
        let ms = now.milliseconds
        expireControls(now: now, into: &actions)
        guard let connection = connections[id] else { return actions }
        if connection.phase == .busy,
           let (txID, tx) = transactions.first(where: { $0.value.connection == id }) {
            transactions.removeValue(forKey: txID)
            fail(tx, .badConnection("connection closed by remote host"), now: ms, into: &actions)
        } else {
            forget(id, into: &actions, notify: false)
        }
        service(connection.queue, now: ms, into: &actions)
        finishInput(now: ms, into: &actions)
        return actions
    }

    /// Replaces the configuration. Queue contents, modes and active controls are kept; every
    /// queue's settings are recomputed (overrides re-applied) and work is re-planned.
    ///
    /// Routing starts afresh: `queue-to` is read from the new configuration for mail admitted from
    /// now on, and the rollup assignments are forgotten (the I/O layer assigns them again with the
    /// new `<mx-rollup-list>`s). Recipients already queued stay in their queues.
    public mutating func reload(_ configuration: any EngineConfiguration, now: Instant) -> [EngineAction] {
        self.configuration = configuration
        rollupQueueNames = configuration.rollupQueueNames
        classifier = BounceClassifier(rules: configuration.bounceCategoryRules)
        categoryCache = [:]
        routes = [:]
        rollupOfDomain = [:]
        warmup.configure(configuration)
        warmup.day = .min
        var actions: [EngineAction] = []
        let ms = now.milliseconds
        expireControls(now: now, into: &actions)
        for q in queues.indices {
            refresh(UInt32(q))
            service(UInt32(q), now: ms, into: &actions)
        }
        finishInput(now: ms, into: &actions)
        return actions
    }

    // MARK: - Shared steps

    func validate(_ message: Message) throws(InjectionError) {
        guard !message.recipients.isEmpty else { throw .noRecipients }
        guard message.recipients.count < Int(UInt32.max) else { throw .tooManyRecipients }
        for r in message.recipients where AddressBytes.domainStart(r) == nil { throw .recipientWithoutDomain(r) }
        guard slotOfMessage[message.id] == nil else { throw .duplicateMessage(message.id) }
    }

    /// Grants free connection slots to the queues waiting for one: among the first few waiters,
    /// the one holding the fewest connections goes first (ties in arrival order).
    mutating func finishInput(now: Int64, into actions: inout [EngineAction]) {
        while totalConnections < tuning.maxTotalConnections {
            while let front = slotWaiters.first, !queues[Int(front)].waitingForSlot { _ = slotWaiters.popFirst() }
            guard let q = poorestWaiter(excluding: nil) else { break }
            queues[Int(q)].waitingForSlot = false
            slotGrantee = q
            service(q, now: now, into: &actions)
            slotGrantee = nil
        }
    }

    /// Among the first waiters for a connection slot, the one holding the fewest connections.
    func poorestWaiter(excluding excluded: UInt32?) -> UInt32? {
        var best: UInt32?
        for k in 0..<min(DeliveryEngine.waitersScanned, slotWaiters.count) {
            let w = slotWaiters[k]
            guard w != excluded, queues[Int(w)].waitingForSlot else { continue }
            if best.map({ queues[Int(w)].open < queues[Int($0)].open }) ?? true { best = w }
        }
        return best
    }

    /// How many waiters are compared when a slot is granted or given up.
    static let waitersScanned = 8
}
