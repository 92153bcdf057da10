import SluiceControlProtocol
import SluiceCore
import SluiceSpool

/// How one recipient outcome of the engine is written down: as spool progress and as an event.
/// Pure.
enum RecordMapping {
    /// The spool's progress entry for `record`.
    static func progress(of record: DeliveryRecord) -> RecipientProgress {
        let outcome: RecipientProgress.Outcome
        switch record.outcome {
        case .delivered: outcome = .delivered
        case .bounced: outcome = .bounced
        case .expired: outcome = .expired
        case .deleted: outcome = .deleted
        case .deferred: outcome = .deferred(nextAttempt: record.nextAttempt ?? record.time)
        }
        return RecipientProgress(message: record.messageID, recipient: record.recipientIndex, outcome: outcome,
                                 attempts: record.attempts)
    }

    /// The control plane's event for `record`; a delivery has no category.
    static func event(of record: DeliveryRecord) -> EventRecord {
        EventRecord(time: Double(record.time.milliseconds) / 1000, kind: record.outcome.rawValue,
                    queue: record.queue.description, recipient: record.recipient,
                    code: replyCode(record.diagnostic), dsnDiag: record.diagnostic,
                    category: record.outcome == .delivered ? "" : record.category?.rawValue ?? "")
    }

    /// The reply code a dsnDiag starts with, or 0 for a local reason.
    static func replyCode(_ diagnostic: String) -> Int {
        let digits = diagnostic.utf8.prefix(3)
        guard digits.count == 3, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return 0 }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
}
