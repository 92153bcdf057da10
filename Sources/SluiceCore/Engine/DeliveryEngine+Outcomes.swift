import SluiceConfig

extension DeliveryEngine {
    /// Applies a finished transaction's replies.
    mutating func complete(_ tx: InFlightTransaction, replies: [SMTPReply], now: Int64, into actions: inout [EngineAction]) {
        let q = tx.queue
        let fallback = SMTPReply(diagnostic: "no reply from the delivery client")
        func reply(_ k: Int) -> SMTPReply { replies.isEmpty ? fallback : replies[min(k, replies.count - 1)] }
        // The pattern list sees each distinct reply first, so a backoff reply already schedules
        // its retry with backoff-retry-after (and a mode=normal reply may end backoff).
        if queueInfo[Int(q)].patternList != nil {
            var seen: Set<String> = []
            for k in tx.recipients.indices {
                let r = reply(k)
                if seen.insert(r.dsnDiag).inserted {
                    applyPatterns(q, to: r, source: connections[tx.connection]?.source, now: now, into: &actions)
                }
            }
        }
        var delivered = false
        var deferred: [UInt32] = []
        var deferredReply: SMTPReply?
        var errors = 0
        for (k, index) in tx.recipients.enumerated() {
            var r = reply(k)
            guard messages[Int(tx.slot)].live else { break }
            if r.severity != .positiveCompletion { errors += 1 }
            // smtp-553-means-invalid-mailbox: a bare 553 is a bad mailbox, 5.1.1, whatever its
            // text (the classifier tries text rules first: RFC 5321's "mailbox name not allowed"
            // would be policy-related).
            var category: BounceCategory?
            if r.code == 553, r.enhancedStatus == nil, queues[Int(q)].limits.reads553AsBadMailbox {
                r = r.withEnhancedStatus("5.1.1")
                category = .badMailbox
            }
            // 3xx, or no usable code, is transient like 4xx.
            switch r.severity {
            case .positiveCompletion:
                delivered = true
                queues[Int(q)].inFlight -= 1
                finish(tx.slot, Int(index), queue: q, as: .delivered, reply: r, category: nil, now: now, into: &actions)
            case .permanentFailure:
                queues[Int(q)].inFlight -= 1
                finish(tx.slot, Int(index), queue: q, as: .bounced, reply: r, category: category ?? classify(r),
                       now: now, into: &actions)
            case .transientFailure where bouncesRecipient(q, r), .positiveIntermediate where bouncesRecipient(q, r):
                queues[Int(q)].inFlight -= 1
                finish(tx.slot, Int(index), queue: q, as: .bounced, reply: r, category: classify(r),
                       now: now, into: &actions)
            case .transientFailure, .positiveIntermediate:
                if deferredReply != nil, deferredReply != r {
                    deferRecipients(tx.slot, deferred, queue: q, reply: deferredReply ?? r, category: nil, now: now, into: &actions)
                    deferred.removeAll()
                }
                deferredReply = r
                deferred.append(index)
            }
        }
        if let deferredReply, !deferred.isEmpty {
            deferRecipients(tx.slot, deferred, queue: q, reply: deferredReply, category: nil, now: now, into: &actions)
        }
        connections[tx.connection]?.recipientErrors += errors
        if delivered {
            count(.bytes, Int64(tx.size), queue: q, now: now)
            if queues[Int(q)].mode == .backoff, queues[Int(q)].limits.toNormalAfterDelivery {
                switchMode(q, to: .normal, because: "backoff-to-normal-after-delivery", now: now)
            }
        } else if let deferredReply {
            queueInfo[Int(q)].lastError = deferredReply.dsnDiag
        }
    }

    /// A transaction that broke: its recipients are deferred and its connection is gone.
    mutating func fail(_ tx: InFlightTransaction, _ failure: ConnectionFailure, now: Int64, into actions: inout [EngineAction]) {
        let source = connections[tx.connection]?.source
        forget(tx.connection, into: &actions, notify: false)
        queueInfo[Int(tx.queue)].lastError = failure.reply.dsnDiag
        applyPatterns(tx.queue, to: failure.reply, source: source, now: now, into: &actions)
        deferRecipients(tx.slot, tx.recipients, queue: tx.queue, reply: failure.reply, category: failure.category,
                        now: now, into: &actions)
    }

    /// Defers in-flight recipients of one message to the next step of the retry list in force
    /// (retry-after, or backoff-retry-after in backoff); those past bounce-after expire instead.
    mutating func deferRecipients(_ slot: UInt32, _ indices: [UInt32], queue q: UInt32, reply: SMTPReply,
                                  category: BounceCategory?, now: Int64, into actions: inout [EngineAction]) {
        let s = Int(slot)
        guard messages[s].live else { return }
        let category = category ?? classify(reply)
        let schedule = queues[Int(q)].retrySchedule
        let expiresAt = satAdd(messages[s].message.receivedAt.milliseconds, queues[Int(q)].bounceAfterMs)
        var dueTimes: [Int64] = []
        for index in indices {
            let r = Int(index)
            guard messages[s].live, messages[s].recipients[r].phase == .inFlight else { continue }
            queues[Int(q)].inFlight -= 1
            queues[Int(q)].queued += 1
            let attempts = messages[s].recipients[r].attempts &+ 1
            messages[s].recipients[r].attempts = attempts == 0 ? .max : attempts
            count(.deferredAttempts, queue: q, now: now)
            noteJobOutcome(slot, .deferredAttempts, final: false, now: now)
            let maxAttempts = queues[Int(q)].limits.maxAttempts
            if now >= expiresAt || (maxAttempts > 0 && Int(attempts) >= maxAttempts) {
                lastReplies[UInt64(slot) << 32 | UInt64(r)] = reply.dsnDiag
                messages[s].recipients[r].phase = .queued
                expire(slot, r, queue: q, now: now, byAttempts: now < expiresAt, into: &actions)
                continue
            }
            let next = min(satAdd(now, schedule.delay(afterFailedAttempts: Int(attempts)).milliseconds), expiresAt)
            messages[s].recipients[r].phase = .deferred
            messages[s].recipients[r].nextAttempt = next
            queues[Int(q)].deferred += 1
            lastReplies[UInt64(slot) << 32 | UInt64(r)] = reply.dsnDiag
            if !dueTimes.contains(next) { dueTimes.append(next) }
            let message = messages[s].message
            actions.append(.record(DeliveryRecord(
                outcome: .deferred, time: Instant(milliseconds: now), messageID: message.id,
                recipient: message.recipients[r], recipientIndex: r, sender: message.sender, queue: queues[Int(q)].key,
                jobID: message.jobID, receivedAt: message.receivedAt, diagnostic: reply.dsnDiag,
                status: reply.enhancedStatus, category: category, attempts: Int(attempts),
                nextAttempt: Instant(milliseconds: next))))
            record(event: EngineEvent(time: Instant(milliseconds: now), kind: .deferred, queue: queues[Int(q)].key,
                                      recipient: message.recipients[r], detail: reply.dsnDiag, category: category), queue: q)
        }
        for t in dueTimes { queues[Int(q)].waiting.push(TimedIndex(time: t, index: slot)) }
    }

    /// Expires a queued or deferred recipient (message-expired): past bounce-after, or, with
    /// `byAttempts`, after max-smtp-retries attempts.
    mutating func expire(_ slot: UInt32, _ r: Int, queue q: UInt32, now: Int64, byAttempts: Bool = false,
                         into actions: inout [EngineAction]) {
        let attempts = messages[Int(slot)].recipients[r].attempts
        let last = lastReplies[UInt64(slot) << 32 | UInt64(r)]
        let diagnostic = (byAttempts ? "gave up after \(attempts) attempt(s) (max-smtp-retries)"
                                     : "message expired after \(attempts) attempt(s)")
            + (last.map { "; last reply: \($0)" } ?? "")
        finish(slot, r, queue: q, as: .expired, reply: SMTPReply(diagnostic: diagnostic),
               category: .messageExpired, now: now, into: &actions)
    }

    /// Makes a recipient final: updates counters, records the outcome and frees the message when
    /// it was the last. The caller has already taken in-flight recipients off the in-flight count;
    /// queued and deferred ones are taken off here.
    mutating func finish(_ slot: UInt32, _ r: Int, queue q: UInt32, as outcome: DeliveryRecord.Outcome,
                         reply: SMTPReply, category: BounceCategory?, now: Int64, into actions: inout [EngineAction]) {
        let s = Int(slot)
        let before = messages[s].recipients[r].phase
        if before == .queued || before == .deferred { queues[Int(q)].queued -= 1 }
        if before == .deferred { queues[Int(q)].deferred -= 1 }
        let phase: RecipientPhase
        let counter: StatCounter?
        switch outcome {
        case .delivered: phase = .delivered; counter = .delivered
        case .bounced: phase = .bounced; counter = .bounced
        case .expired: phase = .expired; counter = .expired
        case .deleted, .deferred: phase = .deleted; counter = nil
        }
        messages[s].recipients[r].phase = phase
        lastReplies.removeValue(forKey: UInt64(slot) << 32 | UInt64(r))
        if let counter { count(counter, queue: q, now: now) }
        noteJobOutcome(slot, counter, final: true, now: now)
        let message = messages[s].message
        if counter != nil { queueInfo[Int(q)].latency.record(milliseconds: now - message.receivedAt.milliseconds) }
        let time = Instant(milliseconds: now)
        actions.append(.record(DeliveryRecord(
            outcome: outcome, time: time, messageID: message.id, recipient: message.recipients[r], recipientIndex: r,
            sender: message.sender, queue: queues[Int(q)].key, jobID: message.jobID, receivedAt: message.receivedAt,
            diagnostic: reply.dsnDiag, status: reply.enhancedStatus, category: category,
            attempts: Int(messages[s].recipients[r].attempts) + (outcome == .expired || outcome == .deleted ? 0 : 1),
            nextAttempt: nil)))
        if outcome != .delivered {
            let kind: EngineEvent.Kind = outcome == .bounced ? .bounced : outcome == .expired ? .expired : .deleted
            record(event: EngineEvent(time: time, kind: kind, queue: queues[Int(q)].key, recipient: message.recipients[r],
                                      detail: reply.dsnDiag, category: category), queue: q)
        }
        messages[s].pending -= 1
        if messages[s].pending <= 0 { finishMessage(slot, into: &actions) }
    }

    /// Frees a message whose recipients are all final.
    mutating func finishMessage(_ slot: UInt32, into actions: inout [EngineAction]) {
        let record = messages[Int(slot)]
        actions.append(.messageFinished(record.message.id, spoolReference: record.message.spoolReference))
        slotOfMessage.removeValue(forKey: record.message.id)
        messages[Int(slot)] = .vacant
        freeSlots.append(slot)
    }

    /// The reply's bounce category, cached by reply text: the same reply (a provider's 421 storm)
    /// arrives thousands of times and the rules are dozens of regular expressions.
    mutating func classify(_ reply: SMTPReply) -> BounceCategory {
        // The enhanced status is part of the key: smtp-553-means-invalid-mailbox gives one reply
        // text two statuses.
        let key = reply.enhancedStatus.map { "\($0) \(reply.dsnDiag)" } ?? reply.dsnDiag
        if let known = categoryCache[key] { return known }
        let category = classifier.classify(reply)
        if categoryCache.count >= DeliveryEngine.categoryCacheSize { categoryCache.removeAll(keepingCapacity: true) }
        categoryCache[key] = category
        return category
    }

    /// Replies whose category is remembered.
    static let categoryCacheSize = 4096

    /// True when the queue's reply rules (live ones, then its smtp-pattern-list) answer `reply`
    /// with `bounce-rcpt`.
    func bouncesRecipient(_ q: UInt32, _ reply: SMTPReply) -> Bool {
        guard queueInfo[Int(q)].patternList != nil || !queueInfo[Int(q)].replyRules.isEmpty else { return false }
        return matchingReplyRule(q, reply.dsnDiag)?.rule.actions.contains(.bounceRecipient) ?? false
    }

    /// Matches a reply against the queue's live reply rules, then its smtp-pattern-list, and
    /// performs the first matching rule's actions; `source` is the index of the source address
    /// the reply was given to.
    mutating func applyPatterns(_ q: UInt32, to reply: SMTPReply, source: Int?, now: Int64,
                                into actions: inout [EngineAction]) {
        guard queueInfo[Int(q)].patternList != nil || !queueInfo[Int(q)].replyRules.isEmpty,
              let (rule, listName, origin) = matchingReplyRule(q, reply.dsnDiag) else { return }
        for action in rule.actions {
            switch action {
            case .mode(let mode):
                switchMode(q, to: mode, because: "\(origin) \(rule.regex): \(reply.dsnDiag)", now: now)
            case .bounceQueue:
                deleteQueued(q, asBounces: true, diagnostic: reply.dsnDiag, now: now, into: &actions)
            case .bounceRecipient:
                break // per recipient, in complete(_:replies:now:into:)
            case .disableSourceIP(let span):
                guard let source else { break }
                disableSource(q, source, for: span ?? DeliveryEngine.defaultSourceDisableSpan, reply: reply,
                              patternList: listName, now: now, into: &actions)
            }
        }
    }

    /// Removes every queued and deferred recipient of a queue (in-flight ones finish normally).
    mutating func deleteQueued(_ q: UInt32, asBounces: Bool, diagnostic: String, now: Int64,
                               into actions: inout [EngineAction]) {
        var slots = queues[Int(q)].ready.drain()
        while let entry = queues[Int(q)].waiting.popMin() { slots.append(entry.index) }
        queues[Int(q)].earliestReadyExpiry = .max
        queues[Int(q)].nextSweep = .max
        let reply = SMTPReply(diagnostic)
        let category = asBounces ? classify(reply) : nil
        for slot in slots {
            let s = Int(slot)
            var r = 0
            while s < messages.count, messages[s].live, r < messages[s].recipients.count {
                let phase = messages[s].recipients[r].phase
                if messages[s].recipients[r].queue == q, phase == .queued || phase == .deferred {
                    finish(slot, r, queue: q, as: asBounces ? .bounced : .deleted, reply: reply, category: category,
                           now: now, into: &actions)
                }
                r += 1
            }
        }
    }
}
