import SluiceAccounting
import SluiceConfig
import SluiceCore
import SluiceDNS

/// Which DSNs recipient outcomes call for (RFC 3461 §5, RFC 3464). Pure.
///
/// - A bounced or expired recipient whose NOTIFY includes FAILURE (the default) gets a `failed`
///   report; a delivered one whose NOTIFY includes SUCCESS gets a `relayed` report unless the
///   DSN parameters went to the peer (which then reports itself).
/// - Never for the null sender (every DSN has it, so never for a DSN either), never for a
///   message whose source has `suppress-local-dsn yes`, never when the sender's domain has
///   `deliver-local-dsn no`.
/// - The recipients of one message reported in one batch of outcomes (one transaction's replies,
///   one tick's expiries) share one DSN per kind.
enum DSNPlanner {
    /// What the sender's domain says about DSNs to it: `deliver-local-dsn` and `dsn-format`.
    struct SenderPolicy: Hashable, Sendable {
        var deliver: Bool
        var format: DSNFormat
    }

    /// The DSNs for `records` (one batch of outcomes, in order). `info` gives a message's DSN
    /// facts (nil: none kept, so no DSN); `dsnPassedOn` says the peer took the DSN parameters;
    /// `senderPolicy` reads the sender domain's settings; `remoteMTA` is the peer's host name.
    static func outcomeReports(_ records: [DeliveryRecord], info: (MessageID) -> MessageDSNInfo?, dsnPassedOn: Bool,
                               remoteMTA: String?, senderPolicy: (_ sender: String, _ vmta: String) -> SenderPolicy)
        -> [DSNJob] {
        var jobs: [DSNJob] = []
        for record in records {
            let kind: DSNJob.Kind
            switch record.outcome {
            case .bounced, .expired: kind = .failed
            case .delivered where !dsnPassedOn: kind = .relayed
            case .delivered, .deferred, .deleted: continue
            }
            guard let facts = info(record.messageID), let notify = wanted(kind, record: record, facts: facts)
            else { continue }
            let reported = ReportedRecipient(record, remoteMTA: kind == .failed && record.outcome == .expired ? nil : remoteMTA,
                                             originalRecipient: facts.recipient(record.recipientIndex).originalRecipient
                                                 .map(XText.decode),
                                             notify: notify)
            let progress = RecordMapping.progress(of: record)
            if let at = jobs.firstIndex(where: { $0.message.messageID == record.messageID && $0.kind == kind }) {
                jobs[at].recipients.append(reported)
                jobs[at].progress.append(progress)
                continue
            }
            let policy = senderPolicy(facts.sender, record.queue.vmta)
            guard policy.deliver else { continue }
            jobs.append(DSNJob(kind: kind, message: reportedMessage(record, facts: facts), recipients: [reported],
                               queue: record.queue, vmta: record.queue.vmta, jobID: record.jobID, format: policy.format,
                               progress: [progress]))
        }
        return jobs
    }

    /// A delay report for `records` (the last deferral of each recipient of one message still
    /// being retried, whose NOTIFY includes DELAY), or nil when none is due. `willRetryUntil`
    /// is when the recipients expire.
    static func delayReport(_ records: [DeliveryRecord], facts: MessageDSNInfo, willRetryUntil: Instant,
                            policy: SenderPolicy) -> DSNJob? {
        guard let first = records.first, policy.deliver else { return nil }
        let recipients = records.compactMap { record -> ReportedRecipient? in
            guard let notify = wanted(.delayed, record: record, facts: facts) else { return nil }
            return ReportedRecipient(record, originalRecipient: facts.recipient(record.recipientIndex).originalRecipient
                                         .map(XText.decode),
                                     notify: notify, willRetryUntil: willRetryUntil)
        }
        guard !recipients.isEmpty else { return nil }
        return DSNJob(kind: .delayed, message: reportedMessage(first, facts: facts), recipients: recipients,
                      queue: first.queue, vmta: first.queue.vmta, jobID: first.jobID, format: policy.format, progress: [])
    }

    /// Whether recipient `record` of a message with `facts` is to get a report of `kind`: the
    /// NOTIFY set that asks for it (the default when none was given), or nil.
    static func wanted(_ kind: DSNJob.Kind, record: DeliveryRecord, facts: MessageDSNInfo) -> DSNNotify? {
        guard !facts.sender.isEmpty, !facts.suppressed else { return nil }
        let notify = facts.recipient(record.recipientIndex).notify ?? .default
        let condition: DSNNotify = switch kind {
        case .failed: .failure
        case .delayed: .delay
        case .relayed: .success
        }
        return notify.contains(condition) ? notify : nil
    }

    private static func reportedMessage(_ record: DeliveryRecord, facts: MessageDSNInfo) -> ReportedMessage {
        ReportedMessage(sender: facts.sender, messageID: record.messageID, arrivalDate: record.receivedAt,
                        envelopeID: facts.envelopeID.map(XText.decode), ret: facts.ret, content: [])
    }
}
