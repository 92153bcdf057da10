import SluiceBase
import SluiceReports

/// Where the node looks up the messages it sent (``SentMessageIndex``; a dictionary in tests).
protocol SentMessageLookup: Sendable {
    /// The newest message with this `Message-ID` (without angle brackets), else this ENVID.
    func find(messageID: String?, envelopeID: String?) -> SentMessage?
    /// The newest message to `recipient`, from `sender` when given.
    func find(recipient: String, sender: String?) -> SentMessage?
}

extension SentMessageIndex: SentMessageLookup {}

/// How a report was tied to the node's own mail.
enum AttributionEvidence: String, Hashable, Sendable {
    /// The report came to a VERP address (bounces), or names one as the original's envelope sender
    /// (complaints): the address encodes the recipient.
    case verp
    /// The original's ENVID, as passed on with `MAIL FROM:… ENVID=`.
    case envelopeID = "envid"
    /// The original's `Message-ID` header, in the report's copy of the original.
    case messageID = "message-id"
    /// The original envelope sender and recipient the report gives, both of a message the node sent.
    case envelope
}

/// A bounce report's recipient tied to a message the node sent.
struct AttributedBounce: Equatable, Sendable {
    /// The address the node sent to.
    var recipient: String
    /// The original's envelope sender.
    var sender: String
    /// The message, when the index remembers it (a VERP bounce may outlive the index's retention).
    var original: SentMessage?
    /// What the report says of the recipient.
    var bounced: BouncedRecipient
    var evidence: AttributionEvidence
}

/// A complaint tied (or not) to a message the node sent.
struct AttributedComplaint: Hashable, Sendable {
    /// The complaining recipient: nil when the report does not name one the node sent to (the
    /// complaint still counts toward the rates; nothing is suppressed).
    var recipient: String?
    /// The original's envelope sender, when known.
    var sender: String?
    /// The message, when found.
    var original: SentMessage?
    /// How it was found; nil when the complaint is about no message the node knows.
    var evidence: AttributionEvidence?
}

/// Ties inbound reports to the node's own mail. Pure: the lookups are the only input besides the
/// report and the processor addresses it was sent to.
///
/// The rule that keeps a forged or misdirected report from suppressing anyone: an address is named
/// only when the report ties it to mail the node sent — by VERP (the report came to, or names as
/// the original's sender, an address encoding the recipient), or by the original's ENVID or
/// `Message-ID` *and* the address is one of that message's recipients, or (complaints) by the
/// original sender and recipient of a message the node sent.
struct ReportAttribution: Sendable {
    let lookup: any SentMessageLookup

    /// The bounce's recipients tied to the node's mail; empty when none can be (the report is
    /// then kept as unparsed). `envelopeRecipients` are the processor addresses the report came to.
    func attribute(_ report: BounceReport, envelopeRecipients: [String]) -> [AttributedBounce] {
        let verp = envelopeRecipients.lazy.compactMap(VERPAddress.decode).first
        let byID = lookup.find(messageID: report.original?.messageID, envelopeID: report.originalEnvelopeID)
        let idEvidence: AttributionEvidence = report.originalEnvelopeID.map { _ in .envelopeID } ?? .messageID
        var found: [AttributedBounce] = []
        for bounced in report.recipients {
            if let verp {
                // A VERP delivery has one recipient: the report's entry for it, or its only entry.
                guard report.recipients.count == 1 || Self.same(bounced.address, verp.recipient)
                        || Self.same(bounced.finalRecipient, verp.recipient) else { continue }
                let original = byID.flatMap { $0.hasRecipient(verp.recipient) ? $0 : nil }
                    ?? lookup.find(recipient: verp.recipient, sender: verp.sender)
                found.append(AttributedBounce(recipient: verp.recipient, sender: verp.sender, original: original,
                                              bounced: bounced, evidence: .verp))
            } else if let original = byID,
                      let address = [bounced.originalRecipient, bounced.finalRecipient].compactMap({ $0 })
                          .first(where: original.hasRecipient) {
                found.append(AttributedBounce(recipient: address, sender: original.sender, original: original,
                                              bounced: bounced, evidence: idEvidence))
            }
        }
        return found
    }

    /// The complaint tied to the node's mail as far as the report allows.
    func attribute(_ report: ComplaintReport) -> AttributedComplaint {
        let returnPaths = [report.originalMailFrom, report.original?.returnPath].compactMap { $0 }
        let byID = lookup.find(messageID: report.original?.messageID, envelopeID: report.originalEnvelopeID)
        if let verp = returnPaths.lazy.compactMap(VERPAddress.decode).first {
            let original = byID.flatMap { $0.hasRecipient(verp.recipient) ? $0 : nil }
                ?? lookup.find(recipient: verp.recipient, sender: verp.sender)
            return AttributedComplaint(recipient: verp.recipient, sender: verp.sender, original: original, evidence: .verp)
        }
        if let original = byID {
            let evidence: AttributionEvidence = report.originalEnvelopeID != nil
                && original.envelopeID == report.originalEnvelopeID ? .envelopeID : .messageID
            let recipient: String?
            if let named = report.originalRecipient {
                recipient = original.hasRecipient(named) ? named : nil
            } else {
                recipient = original.recipients.count == 1 ? original.recipients.first : nil
            }
            return AttributedComplaint(recipient: recipient, sender: original.sender, original: original, evidence: evidence)
        }
        if let named = report.originalRecipient, let sender = report.originalMailFrom, !sender.isEmpty,
           let original = lookup.find(recipient: named, sender: sender) {
            return AttributedComplaint(recipient: named, sender: original.sender, original: original, evidence: .envelope)
        }
        return AttributedComplaint(recipient: nil, sender: report.originalMailFrom, original: nil, evidence: nil)
    }

    private static func same(_ a: String, _ b: String) -> Bool { a.lowercased() == b.lowercased() }
}
