import SluiceAccounting
import SluiceCore
import SluiceDNS
import SluiceSpool

extension NodeCore {
    /// The effects of the engine's actions, with the inputs some of them produce at once (a DNS
    /// verdict answering a transaction) worked through; the recipients' progress comes last, in
    /// one batch, after the DSNs the outcomes call for (which carry their recipients' progress, to
    /// be written once the DSN is stored). `destination` is where the transaction that produced
    /// them went and `source` the address it was sent from; `dsnPassedOn` whether it took the
    /// DSN parameters.
    mutating func effects(of actions: [EngineAction], destination: DeliveryTarget? = nil, source: String? = nil,
                          dsnPassedOn: Bool = false, now: Instant) -> [NodeEffect] {
        var work = actions
        var index = 0
        var effects: [NodeEffect] = []
        var progress: [RecipientProgress] = []
        var outcomes: [DeliveryRecord] = []
        var finished: [MessageID] = []
        while index < work.count {
            switch work[index] {
            case .openConnection(let id, let key):
                if let plan = open(id, for: key, now: now) { effects.append(.openConnection(id, plan)) }
            case .startTransaction(let transaction):
                switch start(transaction, now: now) {
                case .send(let handle):
                    effects.append(.sendTransaction(transaction, on: handle, envelope: outboundEnvelope(for: transaction)))
                case .answered(let follow): work += follow
                case .leftInFlight: break
                }
            case .closeConnection(let id):
                if let handle = close(id) { effects.append(.closeConnection(handle)) }
            case .record(let record):
                progress.append(note(record, destination: destination, source: source, into: &effects))
                outcomes.append(record)
            case .messageFinished(let id, _):
                // The spool forgets a message once its last recipient's final progress is written.
                accountingHeaderValues[id] = nil
                finished.append(id)
            case .controlAdded(let control):
                if !fileBackedControls.contains(control.id) { effects.append(.persistControl(control)) }
            case .controlRemoved(let control, _):
                if fileBackedControls.remove(control.id) == nil { effects.append(.forgetControl(control)) }
            case .sourceDisabled(let disabled):
                append(SourceDisablementRecords.disabled(disabled), to: &effects)
            case .sourceEnabled(let enabled):
                append(SourceDisablementRecords.enabled(enabled, now: now), to: &effects)
            case .requestGrants(let request): effects.append(.requestGrants(request))
            case .acquireLease(let request): effects.append(.acquireLease(request))
            case .releaseLease(let queue): effects.append(.releaseLease(queue))
            }
            index += 1
        }
        let jobs = dsnJobs(for: outcomes, destination: destination, dsnPassedOn: dsnPassedOn)
        if !jobs.isEmpty {
            let withheld = Set(jobs.flatMap(\.progress))
            progress.removeAll(where: withheld.contains)
            effects += jobs.map(NodeEffect.sendDSN)
        }
        for id in finished {
            dsnInfo[id] = nil
            delayWatch[id] = nil
        }
        if !progress.isEmpty { effects.append(.recordProgress(progress)) }
        return effects
    }

    /// Accounts for one recipient outcome (bounce counter, accounting row, event) and returns its
    /// spool progress entry.
    mutating func note(_ record: DeliveryRecord, destination: DeliveryTarget?, source: String? = nil,
                       into effects: inout [NodeEffect]) -> RecipientProgress {
        if record.outcome == .bounced || record.outcome == .expired {
            bouncesByCategory[(record.category ?? .other).rawValue, default: 0] += 1
        }
        if writesAccounting {
            effects.append(.writeAccounting(AccountingRecord(
                record, context: deliveryContext(of: record, destination: destination, source: source))))
        }
        if !delayWatch.isEmpty || record.outcome == .deferred { watchDelay(record) }
        notePattern(record)
        let event = RecordMapping.event(of: record)
        recent.append(event)
        effects.append(.publishEvent(event))
        return RecordMapping.progress(of: record)
    }

    /// Clusters a deferral's or bounce's reply into the Patterns view's templates.
    mutating func notePattern(_ record: DeliveryRecord) {
        let outcome: ReplyOutcome
        switch record.outcome {
        case .deferred: outcome = .deferred
        case .bounced, .expired: outcome = .bounced
        case .delivered, .deleted: return
        }
        guard !record.diagnostic.isEmpty else { return }
        replyPatterns.record(record.diagnostic, outcome: outcome, queue: record.queue, at: record.time)
    }

    /// Appends `new` to `effects`, keeping the events it publishes among the recent ones.
    mutating func append(_ new: [NodeEffect], to effects: inout [NodeEffect]) {
        for case .publishEvent(let event) in new { recent.append(event) }
        effects += new
    }

    /// The accounting context of a record: the node, the source address its connection used
    /// (else the vmta's first), the target.
    func deliveryContext(of record: DeliveryRecord, destination: DeliveryTarget?, source: String? = nil) -> DeliveryContext {
        DeliveryContext(node: hostName, sourceIP: source ?? configuration.virtualMTAs[record.queue.vmta]?.sourceAddress?.description,
                        destinationIP: destination?.address, remoteHost: destination?.host,
                        headers: accountingHeaderValues[record.messageID] ?? [:])
    }
}
