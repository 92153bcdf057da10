import Foundation
import SluiceAccounting
import SluiceControlProtocol
import SluiceCore
import SluiceDNS
import SluiceSpool

extension MailNode {
    /// Accounts for one recipient outcome and returns its spool progress entry.
    func note(_ record: DeliveryRecord, destination: DeliveryTarget?) -> RecipientProgress {
        let outcome: RecipientProgress.Outcome
        switch record.outcome {
        case .delivered: outcome = .delivered
        case .bounced: outcome = .bounced
        case .expired: outcome = .expired
        case .deleted: outcome = .deleted
        case .deferred: outcome = .deferred(nextAttempt: record.nextAttempt ?? record.time)
        }
        if record.outcome == .bounced || record.outcome == .expired {
            bouncesByCategory[(record.category ?? .other).rawValue, default: 0] += 1
        }
        if !accounting.writers.isEmpty {
            let vmta = configuration.virtualMTAs[record.queue.vmta]
            writeAccounting(AccountingRecord(record, context: DeliveryContext(
                node: hostName, sourceIP: vmta?.sourceAddress?.description, destinationIP: destination?.address,
                remoteHost: destination?.host, headers: accountingHeaderValues[record.messageID] ?? [:])))
        }
        let event = EventRecord(time: Double(record.time.milliseconds) / 1000, kind: record.outcome.rawValue,
                                queue: record.queue.description, recipient: record.recipient,
                                code: Self.replyCode(record.diagnostic), dsnDiag: record.diagnostic,
                                category: record.outcome == .delivered ? "" : record.category?.rawValue ?? "")
        recent.append(event)
        events.publish(event)
        return RecipientProgress(message: record.messageID, recipient: record.recipientIndex, outcome: outcome,
                                 attempts: record.attempts)
    }

    /// The reply code a dsnDiag starts with, or 0 for a local reason.
    static func replyCode(_ diagnostic: String) -> Int {
        let digits = diagnostic.utf8.prefix(3)
        guard digits.count == 3, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return 0 }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// Writes one accounting row; a failing file is logged, never fatal to delivery.
    func writeAccounting(_ record: AccountingRecord) {
        do { try accounting.write(record, now: now) } catch { log("accounting: \(error)") }
    }

    /// Stores a new operator control so that it survives a restart.
    func persist(_ control: Control) {
        do {
            try spool.saveControl(id: String(control.id), data: try JSONEncoder().encode(control), expiresAt: control.expiresAt)
        } catch {
            log("spool: could not store control #\(control.id) (\(control)): \(error)")
        }
    }

    /// Removes an ended control from the spool.
    func forget(_ control: Control) {
        do { try spool.removeControl(id: String(control.id)) } catch {
            log("spool: could not remove control #\(control.id): \(error)")
        }
    }
}
