import SluiceAccounting
import SluiceConfig
import SluiceCore
import SluiceSpool

/// One DSN the node's core decided to send, with everything needed to compose it except the
/// original's content (read from the spool when it is composed).
struct DSNJob: Hashable, Sendable {
    /// What the DSN reports (RFC 3464 §2.3.3's action).
    enum Kind: String, Hashable, Sendable {
        /// Bounced or expired recipients.
        case failed
        /// Recipients still being retried (`notify-of-delay-every`).
        case delayed
        /// Recipients handed to a peer that does not report delivery itself (NOTIFY=SUCCESS).
        case relayed
    }

    /// The report.
    var kind: Kind
    /// The message reported on; its content is ``ReportedMessage/content``, empty until read.
    var message: ReportedMessage
    /// The recipients reported on.
    var recipients: [ReportedRecipient]
    /// The queue of the first recipient reported on (for the `dsn` event).
    var queue: QueueKey
    /// The vmta the DSN is delivered through: the original's.
    var vmta: String
    /// The job id of the original, for the event and accounting.
    var jobID: String?
    /// `dsn-format` of the sender's domain.
    var format: DSNFormat
    /// The reported recipients' final progress, written once the DSN is stored (so that a crash
    /// in between retries the original recipient, and reports it again, rather than lose the DSN).
    var progress: [RecipientProgress]

    /// The DSN itself, or nil when none is due after all (the builder's own checks).
    func compose(reporter: DSNReporter, now: Instant) -> DeliveryStatusNotification? {
        switch kind {
        case .failed: DeliveryStatusNotification.failure(of: message, recipients: recipients, reporter: reporter, now: now,
                                                          format: format)
        case .delayed: DeliveryStatusNotification.delay(of: message, recipients: recipients, reporter: reporter, now: now,
                                                         format: format)
        case .relayed: DeliveryStatusNotification.relayed(of: message, recipients: recipients, reporter: reporter, now: now,
                                                           format: format)
        }
    }
}
