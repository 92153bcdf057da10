import SluiceConfig

extension DeliveryEngine {
    /// The virtual MTA a message for `recipients` injected with `route` at `now` would go to,
    /// chosen as ``inject(_:route:now:)`` chooses it (a pool's turn advances, a cold member's count
    /// of the day grows). The I/O layer asks first when it must store the choice with the message,
    /// then injects with the answer as ``InjectionRoute/requestedVMTA``.
    ///
    /// - Throws: ``InjectionError`` `.unknownVirtualMTA` or `.emptyPool`.
    public mutating func chooseVirtualMTA(for route: InjectionRoute, recipients: [String],
                                          now: Instant) throws(InjectionError) -> String {
        try chooseVirtualMTA(route, recipients: recipients, now: now.milliseconds)
    }

    /// The vmta for a route: the allowed X-Virtual-MTA, else the source's default, else `default`;
    /// a pool gives its next member round-robin, skipping paused members and cold members whose
    /// `max-cold-virtual-mta-msg` for a recipient domain is used up today.
    mutating func chooseVirtualMTA(_ route: InjectionRoute, recipients: [String], now: Int64) throws(InjectionError) -> String {
        let requested = route.requestAllowed ? route.requestedVMTA.flatMap { $0.isEmpty ? nil : $0 } : nil
        let name = requested ?? route.defaultVMTA ?? "default"
        if let members = configuration.poolMembers(name) {
            guard !members.isEmpty else { throw .emptyPool(name) }
            let cold = ColdChoice(engine: self, pool: name, recipients: recipients, now: now)
            let start = poolCursors[name, default: 0] % members.count
            for step in 0..<members.count {
                let index = (start + step) % members.count
                if !isPaused(vmta: members[index]), cold.hasRoom(members[index]) {
                    poolCursors[name] = (index + 1) % members.count
                    noteColdChoice(cold, members[index])
                    return members[index]
                }
            }
            poolCursors[name] = (start + 1) % members.count
            return members.first { !cold.isCold($0) } ?? members[start]
        }
        guard configuration.virtualMTANames.contains(name) else { throw .unknownVirtualMTA(name) }
        return name
    }

    func isPaused(vmta: String) -> Bool {
        controls.contains { if case .pause(.vmta(let v)) = $0.kind { return v == vmta } else { return false } }
    }

    /// Files a validated message: each recipient in the queue ``route(domain:vmta:)`` gives.
    mutating func admit(_ message: Message, restoring: [RestoredRecipient]?, now: Int64,
                        into actions: inout [EngineAction]) {
        let slot: UInt32
        if let free = freeSlots.popLast() { slot = free } else {
            slot = UInt32(messages.count)
            messages.append(.vacant)
        }
        var recipients: [RecipientSlot] = []
        recipients.reserveCapacity(message.recipients.count)
        var touched: [UInt32] = []
        var pending: Int32 = 0
        var lastAddress = ""
        var lastStart = 0
        var lastQueue: UInt32 = 0
        for i in message.recipients.indices {
            // Recipients of one domain usually come together: reuse the previous lookup.
            let address = message.recipients[i]
            let start = AddressBytes.domainStart(address) ?? address.utf8.count
            if i == 0 || !AddressBytes.sameDomain(address, start, lastAddress, lastStart) {
                lastQueue = route(domain: AddressBytes.domain(address, from: start), vmta: message.vmta)
            }
            lastAddress = address
            lastStart = start
            let q = lastQueue
            var r = RecipientSlot(queue: q)
            if let state = restoring?[i] {
                if state.isFinal {
                    r.phase = .delivered
                    recipients.append(r)
                    continue
                }
                r.attempts = UInt16(clamping: state.attempts)
                if let next = state.nextAttempt?.milliseconds, next > now {
                    r.phase = .deferred
                    r.nextAttempt = next
                }
            }
            pending += 1
            recipients.append(r)
            if !touched.contains(q) { touched.append(q) }
        }
        let received = message.receivedAt.milliseconds
        messages[Int(slot)] = MessageRecord(message: message, recipients: recipients, pending: pending, live: true)
        noteJobAdmitted(message, pending: Int(pending), now: now)
        slotOfMessage[message.id] = slot
        if pending == 0 {
            finishMessage(slot, into: &actions)
            return
        }
        for q in touched {
            var ready = false
            var dueTimes: [Int64] = []
            var members: Int64 = 0
            for r in recipients where r.queue == q && !r.phase.isFinal {
                members += 1
                if r.phase == .deferred {
                    queues[Int(q)].deferred += 1
                    if !dueTimes.contains(r.nextAttempt) { dueTimes.append(r.nextAttempt) }
                } else {
                    ready = true
                }
            }
            queues[Int(q)].queued += Int(members)
            for t in dueTimes { queues[Int(q)].waiting.push(TimedIndex(time: t, index: slot)) }
            if ready { pushReady(q, slot, receivedAt: received, now: now) }
            if restoring == nil { count(.injected, members, queue: q, now: now) }
            service(q, now: now, into: &actions)
        }
    }

    /// The queue's index, created with its settings and controls when new.
    mutating func queue(for key: QueueKey) -> UInt32 {
        if let q = queueIndex[key] { return q }
        let q = UInt32(queues.count)
        queues.append(QueueState(key: key, limits: QueueLimits(DomainSettings())))
        queueInfo.append(QueueInfo(settings: DomainSettings(), events: EventRing(capacity: tuning.queueEventCapacity)))
        queueIndex[key] = q
        queuesOfDomain[key.domain, default: []].append(q)
        queuesOfVMTA[key.vmta, default: []].append(q)
        refresh(q)
        return q
    }

    /// The configuration's settings for `key` with the throttle overrides covering it: the
    /// persisted ones, then the live controls; of each, domain-wide overrides first, then the
    /// queue's own, each in the order set.
    func overriddenSettings(for key: QueueKey) -> DomainSettings {
        var settings = configuration.settings(for: key)
        for pass in 0..<2 {
            for throttle in persistedThrottles where throttle.target.covers(key) {
                guard throttle.target.isQueue == (pass == 1) else { continue }
                try? settings.set(throttle.directive, to: throttle.value, origin: .persisted(throttle.location))
            }
        }
        for pass in 0..<2 {
            for control in controls {
                guard case .throttle(let target, let directive, let value) = control.kind, target.covers(key) else { continue }
                guard target.isQueue == (pass == 1) else { continue }
                try? settings.set(directive, to: value, origin: .live(control.originLabel))
            }
        }
        return applyingWarmupRate(to: settings, key: key)
    }

    /// Recomputes a queue's settings (configuration plus throttle overrides), pattern list and
    /// hold/pause state from the configuration and the controls.
    mutating func refresh(_ q: UInt32) {
        let key = queues[Int(q)].key
        let settings = overriddenSettings(for: key)
        let held = controls.first { if case .hold(let t) = $0.kind { return t.covers(key) } else { return false } }
        let paused = controls.first { if case .pause(let t) = $0.kind { return t.covers(key) } else { return false } }
        queueInfo[Int(q)].settings = settings
        queueInfo[Int(q)].patternList = settings.smtpPatternList.value.flatMap { configuration.smtpPatternList(named: $0) }
        queueInfo[Int(q)].replyRules = controls.isEmpty ? [] : liveReplyRules(for: key)
        queueInfo[Int(q)].held = held
        queueInfo[Int(q)].paused = paused
        queues[Int(q)].limits = QueueLimits(settings)
        if case .fallback(let nodes) = fleet { queues[Int(q)].limits.divide(by: nodes) }
        queues[Int(q)].shared = fleet == .shared
        queues[Int(q)].isHeld = held != nil
        queues[Int(q)].isPaused = paused != nil
        refreshSources(q)
    }

    /// Adds a message with ready recipients to a queue's ready list (or parks it while its job is
    /// paused).
    mutating func pushReady(_ q: UInt32, _ slot: UInt32, receivedAt: Int64, now: Int64) {
        if isJobPaused(slot) {
            park(slot, queue: q, now: now)
            return
        }
        queues[Int(q)].ready.push(slot)
        let expiry = satAdd(receivedAt, queues[Int(q)].bounceAfterMs)
        if expiry < queues[Int(q)].earliestReadyExpiry {
            queues[Int(q)].earliestReadyExpiry = expiry
            let earliestSweep = queues[Int(q)].lastSweep == .min
                ? expiry : satAdd(queues[Int(q)].lastSweep, tuning.expirySweepInterval.milliseconds)
            queues[Int(q)].nextSweep = max(expiry, earliestSweep)
        }
    }

    /// Adds to a queue's counter and the engine's (domain and vmta figures are sums of queues).
    mutating func count(_ counter: StatCounter, _ amount: Int64 = 1, queue q: UInt32, now: Int64) {
        queueInfo[Int(q)].stats.add(counter, amount, atMs: now)
        totalCounters.add(counter, amount, atMs: now)
        noteWarmupOutcome(counter, amount, queue: q)
    }

    /// Adds an event to the queue's ring and the engine's.
    mutating func record(event: EngineEvent, queue q: UInt32) {
        queueInfo[Int(q)].events.push(event)
        events.push(event)
    }
}
