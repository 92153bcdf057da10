import SluiceAccounting
import SluiceCore
import SluiceSMTP
import SluiceSpool

/// What the node keeps about a queued message for DSNs: to generate them (sender, RET, ENVID,
/// each recipient's NOTIFY and ORCPT) and to pass the parameters on to a peer that offers DSN.
/// Built from the spool's envelope at reception and at restart.
struct MessageDSNInfo: Hashable, Sendable {
    /// One recipient's DSN parameters, as received (xtext-encoded ORCPT).
    struct Recipient: Hashable, Sendable {
        /// NOTIFY; nil when not given (``DSNNotify/default`` applies).
        var notify: DSNNotify?
        /// ORCPT as received, e.g. `rfc822;a+2Bb@example.com`.
        var originalRecipient: String?
    }

    /// The envelope sender; empty for the null sender.
    var sender: String
    /// RET as received.
    var ret: DSNReturn?
    /// ENVID as received (xtext).
    var envelopeID: String?
    /// Per recipient, in envelope order; empty when no recipient gave NOTIFY or ORCPT.
    var recipients: [Recipient]
    /// The source's `suppress-local-dsn`.
    var suppressed: Bool
    /// Delivered with VERP.
    var verp: Bool

    /// The facts of `envelope`.
    init(_ envelope: SpoolEnvelope) {
        sender = envelope.sender
        ret = envelope.ret.flatMap(DSNReturn.init(parameter:))
        envelopeID = envelope.envelopeID
        let recipients = envelope.recipients.map {
            Recipient(notify: $0.notify.flatMap(DSNNotify.init(parameter:)), originalRecipient: $0.originalRecipient)
        }
        self.recipients = recipients.allSatisfy { $0.notify == nil && $0.originalRecipient == nil } ? [] : recipients
        suppressed = envelope.suppressDSN
        verp = envelope.verp
    }

    /// Whether the node needs to keep these facts: a DSN may be due, or something is to be passed
    /// on or encoded at delivery.
    var isWorthKeeping: Bool {
        (!sender.isEmpty && !suppressed) || verp || ret != nil || envelopeID != nil || !recipients.isEmpty
    }

    /// Recipient `index`'s parameters (none when not given).
    func recipient(_ index: Int) -> Recipient {
        index < recipients.count ? recipients[index] : Recipient()
    }

    /// The MAIL FROM parameters passed on to a peer that offers DSN.
    var mailParameters: MailParameters {
        MailParameters(ret: ret.map { $0 == .full ? .full : .headers }, envelopeID: envelopeID)
    }

    /// RCPT TO parameters of recipient `index`, passed on to a peer that offers DSN.
    func recipientParameters(_ index: Int) -> RecipientParameters {
        let r = recipient(index)
        let notify = r.notify.map { set -> Set<RecipientParameters.NotifyCondition> in
            var conditions = Set<RecipientParameters.NotifyCondition>()
            if set.contains(.success) { conditions.insert(.success) }
            if set.contains(.failure) { conditions.insert(.failure) }
            if set.contains(.delay) { conditions.insert(.delay) }
            return conditions
        }
        return RecipientParameters(notify: notify, originalRecipient: r.originalRecipient)
    }
}
