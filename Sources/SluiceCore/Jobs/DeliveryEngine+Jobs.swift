extension DeliveryEngine {
    /// How long a job with nothing pending keeps its figures after its last change: a day, so
    /// the morning's campaign is still on the Jobs view in the evening.
    static let jobRetentionMs: Int64 = 86_400_000

    /// The jobs kept before finished ones are forgotten at once rather than after a day (jobs
    /// with mail pending are always kept: they are bounded by the queue).
    static let maxJobs = 10_000

    /// Every job's snapshot, by id.
    public func jobSnapshots(now: Instant) -> [JobSnapshot] {
        jobs.keys.sorted().compactMap { jobSnapshot($0, now: now) }
    }

    /// One job's snapshot, or nil when the engine has no figures for it.
    public func jobSnapshot(_ id: String, now: Instant) -> JobSnapshot? {
        guard let ledger = jobs[id] else { return nil }
        let paused = controls.first { $0.kind == .pause(.job(id)) }
        return JobSnapshot(
            id: id, pending: ledger.pending, injected: ledger.injected, delivered: ledger.delivered,
            deferredAttempts: ledger.deferredAttempts, bounced: ledger.bounced, expired: ledger.expired, deleted: ledger.deleted,
            complained: ledger.complained, suppressed: ledger.suppressed,
            deliveredPerMinute: ledger.deliveryRate.perMinute(atMs: now.milliseconds), pausedBy: paused,
            firstSeen: Instant(milliseconds: ledger.firstSeen), lastActivity: Instant(milliseconds: ledger.lastActivity))
    }

    /// Counts complaints about a job's messages (from ARF reports the node processed).
    public mutating func noteJobComplaints(_ id: String, count: Int = 1, now: Instant) {
        guard !id.isEmpty, count > 0 else { return }
        touchJob(id, now: now.milliseconds) { $0.complained += count }
    }

    /// Counts recipients of a job the suppression list refused at injection.
    public mutating func noteJobSuppressed(_ id: String, count: Int = 1, now: Instant) {
        guard !id.isEmpty, count > 0 else { return }
        touchJob(id, now: now.milliseconds) { $0.suppressed += count }
    }

    /// Applies `change` to the job's ledger, creating it when new.
    mutating func touchJob(_ id: String, now: Int64, _ change: (inout JobLedger) -> Void) {
        if jobs.count >= Self.maxJobs, jobs[id] == nil { forgetFinishedJobs(now: now, all: true) }
        func update(_ ledger: inout JobLedger) {
            change(&ledger)
            ledger.lastActivity = now
        }
        update(&jobs[id, default: JobLedger(now: now)])
    }

    /// Counts an admitted message's recipients for its job.
    mutating func noteJobAdmitted(_ message: Message, pending: Int, now: Int64) {
        guard let id = message.jobID, !id.isEmpty else { return }
        touchJob(id, now: now) { ledger in
            ledger.pending += pending
            ledger.injected += pending
        }
    }

    /// Counts a recipient's outcome (a deferral, or a final outcome when `final`) for its job.
    mutating func noteJobOutcome(_ slot: UInt32, _ counter: StatCounter?, final: Bool, now: Int64) {
        guard let id = messages[Int(slot)].message.jobID, !id.isEmpty, jobs[id] != nil else { return }
        touchJob(id, now: now) { ledger in
            switch counter {
            case .delivered?:
                ledger.delivered += 1
                ledger.deliveryRate.add(1, atMs: now)
            case .deferredAttempts?: ledger.deferredAttempts += 1
            case .bounced?: ledger.bounced += 1
            case .expired?: ledger.expired += 1
            case nil: if final { ledger.deleted += 1 }
            default: break
            }
            if final { ledger.pending -= 1 }
        }
    }

    /// Forgets jobs with nothing pending and no pause whose last change is older than the
    /// retention (or, with `all`, every such job when the table is full).
    mutating func forgetFinishedJobs(now: Int64, all: Bool = false) {
        let paused = pausedJobs
        let done = jobs.filter { id, ledger in
            ledger.pending <= 0 && !paused.contains(id) && (all || satAdd(ledger.lastActivity, Self.jobRetentionMs) <= now)
        }
        for id in done.keys { jobs.removeValue(forKey: id) }
    }

    /// Expires the recipients of paused jobs' parked messages whose bounce-after has passed (a
    /// pause holds mail back, it does not make it live longer); called once a minute.
    mutating func expireParked(now: Int64, into actions: inout [EngineAction]) {
        for job in pausedJobs {
            guard let parked = jobs[job]?.parked, !parked.isEmpty else { continue }
            var kept: [ParkedSlot] = []
            for entry in parked {
                let s = Int(entry.slot)
                guard s < messages.count, messages[s].live, messages[s].message.jobID == job else { continue }
                guard now >= satAdd(messages[s].message.receivedAt.milliseconds, queues[Int(entry.queue)].bounceAfterMs) else {
                    kept.append(entry)
                    continue
                }
                var r = 0
                while messages[s].live, r < messages[s].recipients.count {
                    if messages[s].recipients[r].queue == entry.queue, messages[s].recipients[r].phase == .queued {
                        expire(entry.slot, r, queue: entry.queue, now: now, into: &actions)
                    }
                    r += 1
                }
            }
            jobs[job]?.parked = kept
        }
    }

    /// True when the message's job is paused.
    func isJobPaused(_ slot: UInt32) -> Bool {
        guard !pausedJobs.isEmpty, let id = messages[Int(slot)].message.jobID else { return false }
        return pausedJobs.contains(id)
    }

    /// Takes a message of a paused job off a queue's ready list until the job is resumed.
    mutating func park(_ slot: UInt32, queue q: UInt32, now: Int64) {
        guard let id = messages[Int(slot)].message.jobID else { return }
        touchJob(id, now: now) { $0.parked.append(ParkedSlot(queue: q, slot: slot)) }
    }

    /// Brings the paused-job set up to date with the controls after one on `job` was added or
    /// removed: a newly paused job's ready mail is parked at once; a resumed job's parked mail
    /// goes back on its queues' ready lists (at their end, in the order parked), and those queues are serviced.
    mutating func reapplyJobPause(_ job: String, now: Int64, into actions: inout [EngineAction]) {
        let paused = controls.contains { $0.kind == .pause(.job(job)) }
        if paused {
            guard pausedJobs.insert(job).inserted else { return }
            for q in queues.indices where !queues[q].ready.isEmpty {
                let slots = queues[q].ready.drain()
                var seen = Set<UInt32>()
                for slot in slots where seen.insert(slot).inserted {
                    let s = Int(slot)
                    guard s < messages.count, messages[s].live else { continue }
                    pushReady(UInt32(q), slot, receivedAt: messages[s].message.receivedAt.milliseconds, now: now)
                }
            }
        } else {
            guard pausedJobs.remove(job) != nil else { return }
            let parked = jobs[job]?.parked ?? []
            jobs[job]?.parked = []
            var seen = Set<ParkedSlot>()
            var touched: [UInt32] = []
            for entry in parked where seen.insert(entry).inserted {
                let s = Int(entry.slot)
                guard s < messages.count, messages[s].live else { continue }
                pushReady(entry.queue, entry.slot, receivedAt: messages[s].message.receivedAt.milliseconds, now: now)
                if !touched.contains(entry.queue) { touched.append(entry.queue) }
            }
            for q in touched { service(q, now: now, into: &actions) }
        }
    }

    /// Removes every queued and deferred recipient of a job, in whatever queue (in-flight ones
    /// finish normally), as bounces when `asBounces`.
    ///
    /// - Throws: ``ControlError`` when the engine has no mail or figures for the job.
    mutating func deleteJob(_ job: String, asBounces: Bool, diagnostic: String, now: Int64,
                            into actions: inout [EngineAction]) throws(ControlError) {
        guard jobs[job] != nil else { throw .badTarget("no job '\(job)'") }
        let reply = SMTPReply(diagnostic)
        let category = asBounces ? classify(reply) : nil
        var touched: [UInt32] = []
        for s in messages.indices where messages[s].live && messages[s].message.jobID == job {
            var r = 0
            while messages[s].live, r < messages[s].recipients.count {
                let recipient = messages[s].recipients[r]
                if recipient.phase == .queued || recipient.phase == .deferred {
                    finish(UInt32(s), r, queue: recipient.queue, as: asBounces ? .bounced : .deleted, reply: reply,
                           category: category, now: now, into: &actions)
                    if !touched.contains(recipient.queue) { touched.append(recipient.queue) }
                }
                r += 1
            }
        }
        jobs[job]?.parked = []
        for q in touched { service(q, now: now, into: &actions) }
    }
}
