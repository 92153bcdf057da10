import Foundation
import SluiceConfig
import SluiceCore
import SluiceSpool

/// What a restart brings back from the spool, read and decoded for the node's core: the operator
/// controls still in force, and the messages with their recipients' progress and (when an
/// accounting file records headers) their header values. Unreadable parts are logged and skipped.
struct SpoolRecovery: Sendable {
    /// One message to restore.
    struct Entry: Sendable {
        var message: Message
        var recipients: [RestoredRecipient]
        /// The `header_NAME` values; nil when none are recorded or the content was unreadable.
        var headers: [String: String]?
        /// The DSN facts of its envelope.
        var dsn: MessageDSNInfo?
    }

    /// The persisted controls, oldest first.
    var controls: [Control] = []
    /// The spooled messages.
    var messages: [Entry] = []
    /// The addresses of the recipients not done yet (their domains' rollups are looked up first).
    var pendingAddresses: [String] = []

    /// Reads the controls in force at `now` and the report's messages; `headerNames` are the
    /// headers the accounting files record.
    static func read(_ report: RecoveryReport, spool: Spool, now: Instant, headerNames: Set<String>,
                     log: (String) -> Void) -> SpoolRecovery {
        var recovery = SpoolRecovery()
        do {
            let (stored, warnings) = try spool.loadControls(now: now)
            for warning in warnings { log("spool: \(warning)") }
            for control in stored {
                do { recovery.controls.append(try JSONDecoder().decode(Control.self, from: control.data)) } catch {
                    log("spool: control \(control.id) is unreadable and was skipped: \(error)")
                }
            }
        } catch {
            log("spool: could not load operator controls: \(error)")
        }
        for recovered in report.messages {
            recovery.pendingAddresses += zip(recovered.message.recipients, recovered.recipients).filter { !$0.1.isDone }.map(\.0)
            var headers: [String: String]?
            if !headerNames.isEmpty {
                do { headers = AccountingHeaders.values(named: headerNames, in: try spool.content(of: recovered.message.id)) } catch {
                    log("spool: headers of message \(recovered.message.id) for accounting not read: \(error)")
                }
            }
            let recipients = recovered.recipients.map {
                RestoredRecipient(isFinal: $0.isDone, attempts: $0.attempts, nextAttempt: $0.nextAttempt)
            }
            recovery.messages.append(Entry(message: recovered.message, recipients: recipients, headers: headers,
                                           dsn: MessageDSNInfo(recovered.envelope)))
        }
        return recovery
    }
}
