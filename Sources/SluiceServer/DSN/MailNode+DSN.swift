import SluiceAccounting
import SluiceCore
import SluiceSpool

extension MailNode {
    /// Performs ``NodeEffect/sendDSN(_:)``: composes the DSN off the node (reading the original's
    /// content, which the spool still has: the reported recipients' final progress is written
    /// only afterwards), then stores and queues it.
    func startDSN(_ job: DSNJob) {
        let (spool, reporter, time) = (self.spool, DSNReporter(hostName: hostName, postmaster: core.configuration.postmaster), now)
        let log = options.log
        dsnsInFlight += 1
        operationsInFlight += 1
        Task.detached {
            var job = job
            do { job.message.content = try spool.content(of: job.message.messageID) } catch {
                log("dsn: content of message \(job.message.messageID) not read (\(error)); the DSN returns no part of it")
            }
            await self.dsnComposed(job, job.compose(reporter: reporter, now: time))
        }
    }

    /// Stores a composed DSN durably and queues it through the original's vmta (null sender, to
    /// the original sender), publishes its event, then writes the reported recipients' progress.
    /// A DSN that cannot be stored is logged and given up (the accounting records stay).
    private func dsnComposed(_ job: DSNJob, _ dsn: DeliveryStatusNotification?) async {
        defer {
            records.progress.submit(job.progress)
            dsnsInFlight -= 1
            operationsInFlight -= 1
            if dsnsInFlight == 0 {
                for waiter in dsnWaiters { waiter.resume() }
                dsnWaiters = []
            }
        }
        guard let dsn else { return }
        let received = now
        let envelope = SpoolEnvelope(sender: dsn.envelopeSender, recipients: [SpoolRecipient(address: dsn.envelopeRecipient)],
                                     vmta: job.vmta, receivedAt: received)
        let id: MessageID
        do { id = try await spool.accept(envelope, content: dsn.data) } catch {
            log("dsn: \(job.kind.rawValue) DSN to <\(dsn.envelopeRecipient)> for message \(job.message.messageID) not stored: \(error)")
            return
        }
        let message = Message(id: id, sender: dsn.envelopeSender, recipients: [dsn.envelopeRecipient], size: dsn.data.count,
                              vmta: job.vmta, receivedAt: received, spoolReference: id.raw)
        do { try await admit(message) } catch {
            log("dsn: \(job.kind.rawValue) DSN to <\(dsn.envelopeRecipient)> for message \(job.message.messageID) "
                + "not queued: \(error)")
            try? await spool.record([RecipientProgress(message: id, recipient: 0, outcome: .deleted, attempts: 0)])
            return
        }
        perform(core.dsnStored(job, now: now))
    }

    /// Returns once no DSN is being composed or stored (at shutdown, before the last progress is
    /// written).
    func waitForDSNs() async {
        guard dsnsInFlight > 0 else { return }
        await withCheckedContinuation { dsnWaiters.append($0) }
    }
}
