import SluiceConfig

extension DeliveryEngine {
    /// Brings one queue up to date at `now` and starts what may start: disabled sources whose
    /// time is up are enabled again, a backed-off queue's mail is rerouted, due retries move to the
    /// ready list, idle connections from disabled sources close, idle connections get transactions
    /// while the rate and caps allow, connections open while the queue is connection-limited,
    /// idle ones time out. Then plans its next wakeup.
    ///
    /// Cost: O(log n) in the queue's deferred messages per retry released, O(1) per transaction
    /// started (plus the message's recipient scan), O(log Q) to plan the wakeup.
    mutating func service(_ q: UInt32, now: Int64, into actions: inout [EngineAction]) {
        let i = Int(q)
        rollWarmup(now: now)
        reenableSources(q, now: now, into: &actions)
        returnToNormalIfDue(q, now: now, into: &actions)
        rollCaps(q, now: now)
        releaseDue(q, now: now, into: &actions)
        rerouteIfBackedOff(q, now: now, into: &actions)
        if now >= queues[i].nextSweep { sweepReady(q, now: now, into: &actions) }
        if queues[i].blocked {
            while let c = queues[i].idle.popLast() { close(c, into: &actions) }
            releaseSpareLeases(q, into: &actions)
            plan(q, now: now)
            return
        }
        closeDisabledIdle(q, into: &actions)
        // A lower limit (backoff, an override) takes effect at once on idle connections.
        while queues[i].open > queues[i].connectionLimit, let c = queues[i].idle.popLast() {
            close(c, into: &actions)
        }
        while !queues[i].ready.isEmpty, !queues[i].idle.isEmpty, sendAllowed(q, now: now) {
            let c = queues[i].idle.removeLast()
            guard start(on: c, queue: q, now: now, into: &actions) else {
                queues[i].idle.append(c)
                break
            }
        }
        openConnections(q, now: now, into: &actions)
        closeIdleConnections(q, now: now, into: &actions)
        if queues[i].shared {
            requestGrantsIfNeeded(q, now: now, into: &actions)
            requestLeaseIfNeeded(q, now: now, into: &actions)
            if queues[i].ready.isEmpty { releaseSpareLeases(q, into: &actions) }
        }
        plan(q, now: now)
    }

    /// Opens connections while the queue has more ready messages than connections on the way,
    /// the rate would allow that many sends now (so a rate-limited queue ramps up only to the
    /// connections it can use), and max-smtp-out, max-connect-rate, the retry wait after a failure
    /// and the engine-wide slot count permit.
    mutating func openConnections(_ q: UInt32, now: Int64, into actions: inout [EngineAction]) {
        let i = Int(q)
        var usable = queues[i].ready.count
        if let interval = queues[i].messageInterval {
            usable = min(usable, queues[i].messageRate.available(nowMs: now, interval: interval, burst: tuning.messageRateBurst))
        }
        if queues[i].shared, queues[i].needsGrants { usable = min(usable, queues[i].quota.grants(now: now)) }
        while !queues[i].ready.isEmpty, queues[i].idle.isEmpty,
              queues[i].connecting < usable,
              queues[i].open < queues[i].connectionLimit,
              now >= queues[i].connectRetryAt, sendAllowed(q, now: now) {
            let connectInterval = queues[i].limits.connectInterval
            if let interval = connectInterval,
               !queues[i].connectRate.allows(nowMs: now, interval: interval, burst: 1) { break }
            // A free slot goes to the queues waiting for one before anyone else.
            let othersWaiting = slotGrantee != q && poorestWaiter(excluding: q) != nil
            guard totalConnections < tuning.maxTotalConnections, !othersWaiting else {
                if !queues[i].waitingForSlot {
                    queues[i].waitingForSlot = true
                    slotWaiters.push(q)
                }
                break
            }
            guard let source = nextSource(q) else { break }
            if let interval = connectInterval { queues[i].connectRate.consume(nowMs: now, interval: interval) }
            let id = ConnectionID(nextConnectionID)
            nextConnectionID += 1
            connections[id] = ConnectionState(queue: q, phase: .connecting, source: source)
            queues[i].open += 1
            queues[i].connecting += 1
            totalConnections += 1
            count(.connections, queue: q, now: now)
            actions.append(.openConnection(id, queues[i].key))
        }
    }

    /// True when the queue may start a message now: not held or paused, within the message rate
    /// in force and the hourly and daily caps.
    func sendAllowed(_ q: UInt32, now: Int64) -> Bool {
        queues[Int(q)].sendAllowed(now: now, burst: tuning.messageRateBurst) && warmupCap(q, now: now) == nil
    }

    /// Starts the hourly and daily windows afresh when the clock has moved into a new one.
    mutating func rollCaps(_ q: UInt32, now: Int64) {
        let hour = floorDiv(now, 3_600_000), day = floorDiv(now, 86_400_000)
        if queues[Int(q)].hourSlot != hour { queues[Int(q)].hourSlot = hour; queues[Int(q)].hourCount = 0 }
        if queues[Int(q)].daySlot != day { queues[Int(q)].daySlot = day; queues[Int(q)].dayCount = 0 }
    }

    /// The next batch of the queue: the ready recipients of the message at the front of the ready
    /// list, up to max-rcpt-per-transaction (one for a VERP message). Recipients past bounce-after
    /// expire on the way.
    mutating func nextBatch(_ q: UInt32, now: Int64, into actions: inout [EngineAction]) -> (UInt32, [UInt32])? {
        let queueMaxRcpt = queues[Int(q)].limits.maxRcptPerTransaction
        let bounceAfter = queues[Int(q)].bounceAfterMs
        while let slot = queues[Int(q)].ready.first {
            let s = Int(slot)
            guard s < messages.count, messages[s].live else { _ = queues[Int(q)].ready.popFirst(); continue }
            let maxRcpt = messages[s].message.verp ? 1 : queueMaxRcpt
            let expiresAt = satAdd(messages[s].message.receivedAt.milliseconds, bounceAfter)
            var picks: [UInt32] = []
            var more = false
            var r = 0
            while r < messages[s].recipients.count {
                let recipient = messages[s].recipients[r]
                if recipient.queue == q, recipient.phase == .queued {
                    if now >= expiresAt {
                        expire(slot, r, queue: q, now: now, into: &actions)
                        if !messages[s].live { break }
                    } else if picks.count == maxRcpt {
                        more = true
                        break
                    } else {
                        picks.append(UInt32(r))
                    }
                }
                r += 1
            }
            if !more { _ = queues[Int(q)].ready.popFirst() }
            if !picks.isEmpty { return (slot, picks) }
        }
        return nil
    }

    /// Moves a queued recipient into a transaction.
    mutating func markInFlight(_ slot: UInt32, _ r: Int) {
        let q = Int(messages[Int(slot)].recipients[r].queue)
        messages[Int(slot)].recipients[r].phase = .inFlight
        queues[q].queued -= 1
        queues[q].inFlight += 1
    }

    /// Starts the queue's next transaction on an idle connection; false when nothing is ready.
    mutating func start(on c: ConnectionID, queue q: UInt32, now: Int64, into actions: inout [EngineAction]) -> Bool {
        guard let (slot, picks) = nextBatch(q, now: now, into: &actions) else { return false }
        for r in picks { markInFlight(slot, Int(r)) }
        let i = Int(q)
        if let interval = queues[i].messageInterval {
            queues[i].messageRate.consume(nowMs: now, interval: interval)
        }
        if queues[i].shared, queues[i].needsGrants { queues[i].quota.grants = max(0, queues[i].quota.grants(now: now) - 1) }
        queues[i].hourCount += 1
        queues[i].dayCount += 1
        noteWarmupSend(q)
        connections[c]?.phase = .busy
        connections[c]?.messagesSent += 1
        let id = TransactionID(nextTransactionID)
        nextTransactionID += 1
        let message = messages[Int(slot)].message
        transactions[id] = InFlightTransaction(queue: q, slot: slot, recipients: picks, connection: c, size: message.size)
        actions.append(.startTransaction(Transaction(
            id: id, connection: c, queue: queues[i].key, messageID: message.id, spoolReference: message.spoolReference,
            sender: message.sender, recipients: picks.map { message.recipients[Int($0)] },
            recipientIndexes: picks.map(Int.init), size: message.size,
            jobID: message.jobID)))
        return true
    }

    /// After a transaction: the connection goes back to idle, or is closed when it has carried
    /// max-msg-per-connection messages or max-errors-per-connection recipient errors, when the queue is held or paused, when its
    /// source address has been disabled for the destination, or when a queue waits for
    /// a connection slot holding at least two connections fewer (slots flow to the poorest queues
    /// until the shares are level), or fewer once this connection has carried its quantum (so
    /// queues take turns when there are more queues than slots).
    mutating func release(_ c: ConnectionID, now: Int64, into actions: inout [EngineAction]) {
        guard var connection = connections[c] else { return }
        let q = Int(connection.queue)
        let perConnection = queues[q].limits.maxMsgPerConnection
        let poorer = poorestWaiter(excluding: connection.queue).map { w in
            queues[Int(w)].open + 1 < queues[q].open
                || (queues[Int(w)].open < queues[q].open && connection.messagesSent >= tuning.slotQuantum)
        } ?? false
        let maxErrors = queues[q].limits.maxErrorsPerConnection
        // While shared, a connection gives its lease back after a quantum and the queue waits a
        // moment before asking again, so that the other nodes get their turn.
        // Nor does it keep an idle connection (and its lease) when nothing is ready: idle for
        // idle-timeout, it would starve the nodes that have mail for the queue.
        let rotate = queues[q].shared && connection.messagesSent >= Self.leaseQuantum
        if rotate { queues[q].quota.leaseRetryAt = satAdd(now, Self.leaseRetryMs) }
        let idleLease = queues[q].shared && queues[q].ready.isEmpty
        if rotate || idleLease || (perConnection > 0 && connection.messagesSent >= perConnection) || queues[q].blocked || poorer
            || (maxErrors > 0 && connection.recipientErrors >= maxErrors)
            || queues[q].open > queues[q].connectionLimit || queues[q].isDisabled(source: connection.source) {
            close(c, into: &actions)
            return
        }
        connection.phase = .idle
        connection.idleSince = now
        connections[c] = connection
        queues[q].idle.append(c)
    }

    /// Closes idle connections that have waited idle-timeout.
    mutating func closeIdleConnections(_ q: UInt32, now: Int64, into actions: inout [EngineAction]) {
        let timeout = queues[Int(q)].idleTimeoutMs
        while let oldest = queues[Int(q)].idle.first, let c = connections[oldest], satAdd(c.idleSince, timeout) <= now {
            queues[Int(q)].idle.removeFirst()
            close(oldest, into: &actions)
        }
    }

    /// Closes a connection the engine no longer wants.
    mutating func close(_ c: ConnectionID, into actions: inout [EngineAction]) {
        forget(c, into: &actions, notify: true)
    }

    /// Stops counting a connection (and tells the I/O layer to close it when `notify`).
    mutating func forget(_ c: ConnectionID, into actions: inout [EngineAction], notify: Bool) {
        guard let connection = connections.removeValue(forKey: c) else { return }
        let q = Int(connection.queue)
        queues[q].open -= 1
        if connection.phase == .connecting { queues[q].connecting -= 1 }
        if connection.phase == .idle, let at = queues[q].idle.firstIndex(of: c) { queues[q].idle.remove(at: at) }
        totalConnections -= 1
        if notify { actions.append(.closeConnection(c)) }
        releaseSpareLeases(connection.queue, into: &actions)
    }

    /// Moves deferred messages whose time has come back to the ready list; recipients past
    /// bounce-after expire instead.
    mutating func releaseDue(_ q: UInt32, now: Int64, into actions: inout [EngineAction]) {
        while let top = queues[Int(q)].waiting.min, top.time <= now {
            _ = queues[Int(q)].waiting.popMin()
            wake(top.index, queue: q, dueBy: now, into: &actions)
        }
    }

    /// Makes a message's deferred recipients in the queue that are due by `dueBy` ready again.
    mutating func wake(_ slot: UInt32, queue q: UInt32, dueBy: Int64, now: Int64? = nil, into actions: inout [EngineAction]) {
        let now = now ?? dueBy
        let s = Int(slot)
        guard s < messages.count, messages[s].live else { return }
        let expiresAt = satAdd(messages[s].message.receivedAt.milliseconds, queues[Int(q)].bounceAfterMs)
        var anyReady = false
        var r = 0
        while r < messages[s].recipients.count {
            let recipient = messages[s].recipients[r]
            if recipient.queue == q, recipient.phase == .deferred, recipient.nextAttempt <= dueBy {
                if now >= expiresAt {
                    expire(slot, r, queue: q, now: now, into: &actions)
                    if !messages[s].live { return }
                } else {
                    messages[s].recipients[r].phase = .queued
                    queues[Int(q)].deferred -= 1
                    anyReady = true
                }
            }
            r += 1
        }
        if anyReady { pushReady(q, slot, receivedAt: messages[s].message.receivedAt.milliseconds, now: now) }
    }

    /// Expires ready recipients past bounce-after that wait behind a hold, a pause or a backlog.
    mutating func sweepReady(_ q: UInt32, now: Int64, into actions: inout [EngineAction]) {
        let slots = queues[Int(q)].ready.drain()
        queues[Int(q)].earliestReadyExpiry = .max
        queues[Int(q)].nextSweep = .max
        queues[Int(q)].lastSweep = now
        let bounceAfter = queues[Int(q)].bounceAfterMs
        var kept: [UInt32] = []
        var seen = Set<UInt32>()
        for slot in slots {
            let s = Int(slot)
            guard s < messages.count, messages[s].live else { continue }
            let received = messages[s].message.receivedAt.milliseconds
            var anyReady = false
            var r = 0
            while r < messages[s].recipients.count {
                let recipient = messages[s].recipients[r]
                if recipient.queue == q, recipient.phase == .queued {
                    if now >= satAdd(received, bounceAfter) {
                        expire(slot, r, queue: q, now: now, into: &actions)
                        if !messages[s].live { break }
                    } else {
                        anyReady = true
                    }
                }
                r += 1
            }
            if anyReady, seen.insert(slot).inserted { kept.append(slot) }
        }
        for slot in kept { pushReady(q, slot, receivedAt: messages[Int(slot)].message.receivedAt.milliseconds, now: now) }
    }

    /// backoff-to-normal-after: the queue leaves backoff on its own.
    mutating func returnToNormalIfDue(_ q: UInt32, now: Int64, into actions: inout [EngineAction]) {
        guard queues[Int(q)].mode == .backoff,
              let span = queues[Int(q)].limits.backoffToNormalMs,
              now >= satAdd(queues[Int(q)].backoffSince, span) else { return }
        switchMode(q, to: .normal, because: "backoff-to-normal-after \(TimeSpan(milliseconds: span))", now: now)
    }

    /// Switches a queue's mode (recording an event); entering backoff starts backoff-to-normal-after.
    mutating func switchMode(_ q: UInt32, to mode: QueueMode, because why: String, now: Int64) {
        guard queues[Int(q)].mode != mode else { return }
        queues[Int(q)].mode = mode
        if mode == .backoff { queues[Int(q)].backoffSince = now }
        record(event: EngineEvent(time: Instant(milliseconds: now), kind: .modeChanged, queue: queues[Int(q)].key,
                                  detail: "\(mode.rawValue): \(why)"), queue: q)
    }

    /// Plans the queue's next wakeup (see ``QueueState/nextWake(now:burst:oldestIdleSince:)``);
    /// O(log Q) in the number of queues.
    mutating func plan(_ q: UInt32, now: Int64) {
        let i = Int(q)
        let oldestIdle = queues[i].idle.first.flatMap { connections[$0]?.idleSince }
        var t = queues[i].nextWake(now: now, burst: tuning.messageRateBurst, oldestIdleSince: oldestIdle) ?? .max
        // A warm-up cap lifts at the end of the day.
        if !queues[i].ready.isEmpty, !queues[i].blocked, let cap = warmupCap(q, now: now) { t = min(t, cap.until) }
        guard t != .max else { return }
        t = max(t, satAdd(now, 1))
        if t != queues[i].scheduledWake {
            queues[i].scheduledWake = t
            wakeups.push(TimedIndex(time: t, index: q))
        }
    }
}
