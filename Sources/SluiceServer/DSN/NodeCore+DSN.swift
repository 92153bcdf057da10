import SluiceAccounting
import SluiceConfig
import SluiceControlProtocol
import SluiceCore
import SluiceDNS
import SluiceSMTP
import SluiceSpool

/// A recipient being retried whose sender asked for delay reports, and when the next is due.
struct DelayWatch: Hashable, Sendable {
    /// The recipient's last deferral.
    var record: DeliveryRecord
    /// When the next delay report is due.
    var next: Instant
}

extension NodeCore {
    // MARK: - Outcome reports

    /// The DSNs that `records` (one batch of outcomes) call for; `destination` is the peer the
    /// transaction went to, `dsnPassedOn` whether it took the DSN parameters.
    func dsnJobs(for records: [DeliveryRecord], destination: DeliveryTarget?, dsnPassedOn: Bool) -> [DSNJob] {
        guard !records.isEmpty, !dsnInfo.isEmpty else { return [] }
        // Closures, not the method itself: a method reference would copy the whole core.
        return DSNPlanner.outcomeReports(records, info: { dsnInfo[$0] }, dsnPassedOn: dsnPassedOn,
                                         remoteMTA: destination?.host, senderPolicy: { senderPolicy($0, vmta: $1) })
    }

    /// `deliver-local-dsn` and `dsn-format` for DSNs to `sender`, read for the sender's domain
    /// through the original's vmta.
    func senderPolicy(_ sender: String, vmta: String) -> DSNPlanner.SenderPolicy {
        let settings = engine.settings(for: QueueKey(domain: domainOf(sender), vmta: vmta))
        return DSNPlanner.SenderPolicy(deliver: settings.deliverLocalDSN.value, format: settings.dsnFormat.value)
    }

    /// The event a DSN is announced with once stored: on the queue of the first recipient it
    /// reports, that recipient, the action as the category.
    static func dsnEvent(_ job: DSNJob, now: Instant) -> EventRecord {
        EventRecord(time: Double(now.milliseconds) / 1000, kind: "dsn", queue: job.queue.description,
                    recipient: job.recipients.first?.recipient ?? "", code: 0,
                    dsnDiag: "DSN (\(job.kind.rawValue)) to \(job.message.sender)", category: job.kind.rawValue)
    }

    /// A DSN is stored in the spool: its event is published (and kept for `show events`).
    mutating func dsnStored(_ job: DSNJob, now: Instant) -> [NodeEffect] {
        let event = Self.dsnEvent(job, now: now)
        recent.append(event)
        return [.publishEvent(event)]
    }

    // MARK: - Delay reports

    /// Follows a recipient's outcome for delay reports: a deferral of a recipient that asked for
    /// them (NOTIFY=DELAY) starts or updates its watch; a final outcome ends it.
    mutating func watchDelay(_ record: DeliveryRecord) {
        guard record.outcome == .deferred else {
            if delayWatch[record.messageID]?.removeValue(forKey: record.recipientIndex) != nil,
               delayWatch[record.messageID]?.isEmpty == true {
                delayWatch[record.messageID] = nil
            }
            return
        }
        if var watch = delayWatch[record.messageID]?[record.recipientIndex] {
            watch.record = record
            delayWatch[record.messageID]?[record.recipientIndex] = watch
            return
        }
        guard let facts = dsnInfo[record.messageID], DSNPlanner.wanted(.delayed, record: record, facts: facts) != nil,
              case .after(let every) = engine.settings(for: record.queue).notifyOfDelayEvery.value,
              every.milliseconds > 0
        else { return }
        let next = record.receivedAt + every
        delayWatch[record.messageID, default: [:]][record.recipientIndex] = DelayWatch(record: record, next: next)
        if nextDelayCheck.map({ next < $0 }) ?? true { nextDelayCheck = next }
    }

    /// The delay reports due at `now`: one per message, for its watched recipients whose report is
    /// due; each is due again `notify-of-delay-every` later.
    mutating func delayReports(now: Instant) -> [NodeEffect] {
        guard let check = nextDelayCheck, check <= now else { return [] }
        var effects: [NodeEffect] = []
        var earliest: Instant?
        for id in delayWatch.keys.sorted() {
            guard var watches = delayWatch[id] else { continue }
            var due: [DeliveryRecord] = []
            for index in watches.keys.sorted() {
                guard var watch = watches[index] else { continue }
                if watch.next <= now {
                    due.append(watch.record)
                    let settings = engine.settings(for: watch.record.queue)
                    if case .after(let every) = settings.notifyOfDelayEvery.value, every.milliseconds > 0 {
                        watch.next = now + every
                        watches[index] = watch
                    } else {
                        watches[index] = nil
                    }
                }
                if let next = watches[index]?.next, earliest.map({ next < $0 }) ?? true { earliest = next }
            }
            delayWatch[id] = watches.isEmpty ? nil : watches
            guard let first = due.first, let facts = dsnInfo[id] else { continue }
            let until = first.receivedAt + engine.settings(for: first.queue).bounceAfter.value
            if let job = DSNPlanner.delayReport(due, facts: facts, willRetryUntil: until,
                                                policy: senderPolicy(facts.sender, vmta: first.queue.vmta)) {
                effects.append(.sendDSN(job))
            }
        }
        nextDelayCheck = earliest
        return effects
    }

    // MARK: - Delivery

    /// The envelope a transaction goes out with: the sender (VERP-encoded for a VERP message),
    /// and the DSN parameters to pass on when the peer offers DSN.
    func outboundEnvelope(for transaction: Transaction) -> OutboundEnvelope {
        guard let facts = dsnInfo[transaction.messageID] else {
            return OutboundEnvelope(sender: transaction.sender,
                                    recipients: transaction.recipients.map { OutboundTransaction.Recipient(address: $0) })
        }
        var sender = transaction.sender
        if facts.verp, transaction.recipients.count == 1,
           let encoded = VERPAddress.encode(sender: transaction.sender, recipient: transaction.recipients[0]) {
            sender = encoded
        }
        let recipients = zip(transaction.recipients, transaction.recipientIndexes).map { address, index in
            OutboundTransaction.Recipient(address: address, parameters: facts.recipientParameters(index))
        }
        return OutboundEnvelope(sender: sender, mailParameters: facts.mailParameters, recipients: recipients)
    }
}

/// What a transaction is sent with besides its content: MAIL FROM and its parameters, the RCPT
/// TOs with theirs (the client sends the DSN parameters only to a peer that offers DSN).
struct OutboundEnvelope: Hashable, Sendable {
    /// MAIL FROM: the sender, or its VERP form.
    var sender: String
    /// RET and ENVID.
    var mailParameters = MailParameters()
    /// The recipients with NOTIFY and ORCPT, in the transaction's order.
    var recipients: [OutboundTransaction.Recipient]
}
