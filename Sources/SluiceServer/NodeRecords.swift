import SluiceAccounting
import SluiceControlServer
import SluiceCore
import SluiceSpool

/// The node's writes on this machine: accounting rows, spool progress and controls, events; the
/// effects of ``NodeCore`` that are not delivery. Owned by the ``MailNode`` actor, used only on it.
struct NodeRecords {
    /// The accounting files and pipes.
    let accounting: AccountingLog
    /// Recipient progress to the spool, in group commits.
    let progress: ProgressWriter
    /// Where events are published.
    let events: EventHub
    /// Where operator controls are kept.
    let spool: Spool
    /// The node's log: write failures (which never stop delivery) and the core's log lines.
    let log: @Sendable (String) -> Void
    /// Takes the recipients of hard-bounce `b` records (as `<suppression>` says).
    let suppression: NodeSuppression
    /// Where the warm-up state is saved.
    let warmupFile: WarmupFile

    /// Performs `effect` when it is one of these writes; false, doing nothing, for a delivery effect.
    func perform(_ effect: NodeEffect, now: Instant) -> Bool {
        switch effect {
        case .writeAccounting(let record):
            do { try accounting.write(record, now: now) } catch { log("accounting: \(error)") }
            suppression.noteAccounting(record)
        case .recordProgress(let entries):
            progress.submit(entries)
        case .publishEvent(let event):
            events.publish(event)
        case .log(let line):
            log(line)
        case .persistControl(let control):
            do { try spool.save(control) } catch { log("spool: could not store control #\(control.id) (\(control)): \(error)") }
        case .forgetControl(let control):
            do { try spool.removeControl(id: String(control.id)) } catch {
                log("spool: could not remove control #\(control.id): \(error)")
            }
        case .saveWarmup(let ledger):
            do { try warmupFile.write(ledger) } catch { log("warmup: could not write \(warmupFile.path): \(error)") }
        case .openConnection, .sendTransaction, .closeConnection, .sendDSN, .requestGrants, .acquireLease, .releaseLease:
            return false
        }
        return true
    }
}
