import SluiceBase
import SluiceReports
import Testing
@testable import SluiceServer

/// Tying inbound reports to sent mail, over a dictionary of sent messages (no I/O).
@Suite("Report attribution")
struct ReportAttributionTests {
    /// Sent messages in memory, newest last.
    struct Sent: SentMessageLookup {
        var messages: [SentMessage]
        func find(messageID: String?, envelopeID: String?) -> SentMessage? {
            if let envelopeID, let found = messages.last(where: { $0.envelopeID == envelopeID }) { return found }
            return messageID.flatMap { id in messages.last { $0.messageID == id } }
        }
        func find(recipient: String, sender: String?) -> SentMessage? {
            messages.last { message in
                message.hasRecipient(recipient) && (sender.map { message.sender.lowercased() == $0.lowercased() } ?? true)
            }
        }
    }

    static let weekly = SentMessage(id: MessageID(7), messageID: "weekly-1@origin.test", envelopeID: "env-1",
                                    sender: "news@origin.test", recipients: ["ann@a.test", "bob@b.test"], jobID: "weekly",
                                    vmta: "v1", receivedAt: Instant(milliseconds: 1_000))
    static let single = SentMessage(id: MessageID(8), messageID: "solo@origin.test", envelopeID: "",
                                    sender: "news@origin.test", recipients: ["cat@c.test"], jobID: "solo",
                                    vmta: "v2", receivedAt: Instant(milliseconds: 2_000))
    let attribution = ReportAttribution(lookup: Sent(messages: [weekly, single]))

    private func bounce(_ recipients: [BouncedRecipient], messageID: String? = nil, envelopeID: String? = nil) -> BounceReport {
        BounceReport(format: .rfc3464, reportingMTA: "mx.test", originalEnvelopeID: envelopeID, arrivalDate: nil,
                     recipients: recipients,
                     original: messageID.map { OriginalMessage(headers: [HeaderField(name: "Message-ID", value: "<\($0)>")]) })
    }

    private func failed(_ address: String) -> BouncedRecipient {
        BouncedRecipient(finalRecipient: address, action: .failed, status: EnhancedStatus(field: "5.1.1"),
                         diagnosticCode: "550 5.1.1 no such user")
    }

    @Test("a bounce naming the original's Message-ID ties only the recipients that message had")
    func byMessageID() {
        let found = attribution.attribute(bounce([failed("ann@a.test"), failed("eve@e.test")], messageID: "weekly-1@origin.test"),
                                          envelopeRecipients: ["bounces@node.test"])
        #expect(found.map(\.recipient) == ["ann@a.test"])
        #expect(found.first?.original?.jobID == "weekly" && found.first?.evidence == .messageID)
    }

    @Test("ENVID is tried before the Message-ID")
    func byEnvelopeID() {
        let found = attribution.attribute(bounce([failed("BOB@b.test")], messageID: "solo@origin.test", envelopeID: "env-1"),
                                          envelopeRecipients: ["bounces@node.test"])
        #expect(found.map(\.recipient) == ["BOB@b.test"])
        #expect(found.first?.original?.id == MessageID(7) && found.first?.evidence == .envelopeID)
    }

    @Test("a VERP address names the recipient whatever the report's Final-Recipient says (an alias)")
    func byVERP() throws {
        let verp = try #require(VERPAddress.encode(sender: "news@origin.test", recipient: "cat@c.test"))
        let found = attribution.attribute(bounce([failed("cat.forwarded@elsewhere.test")]), envelopeRecipients: [verp])
        #expect(found.count == 1)
        #expect(found.first?.recipient == "cat@c.test" && found.first?.sender == "news@origin.test")
        #expect(found.first?.original?.jobID == "solo" && found.first?.evidence == .verp)
    }

    @Test("a bounce with neither VERP nor a known id is not attributed")
    func unknown() {
        #expect(attribution.attribute(bounce([failed("ann@a.test")], messageID: "other@x.test"),
                                      envelopeRecipients: ["bounces@node.test"]).isEmpty)
        #expect(attribution.attribute(bounce([failed("ann@a.test")]), envelopeRecipients: ["bounces@node.test"]).isEmpty)
    }

    private func complaint(recipient: String?, mailFrom: String? = nil, messageID: String?) -> ComplaintReport {
        ComplaintReport(format: .arf, feedbackType: FeedbackType(field: "abuse"), userAgent: "t/1", version: "1",
                        originalRecipient: recipient, originalMailFrom: mailFrom, originalEnvelopeID: nil, sourceIP: nil,
                        arrivalDate: nil, reportingMTA: "fbl.test", reportedDomain: nil,
                        original: messageID.map { OriginalMessage(headers: [HeaderField(name: "Message-ID", value: "<\($0)>")]) })
    }

    @Test("a complaint names its recipient only when the original was sent to it")
    func complaintRecipient() {
        let named = attribution.attribute(complaint(recipient: "bob@b.test", messageID: "weekly-1@origin.test"))
        #expect(named.recipient == "bob@b.test" && named.original?.jobID == "weekly" && named.evidence == .messageID)
        let stranger = attribution.attribute(complaint(recipient: "eve@e.test", messageID: "weekly-1@origin.test"))
        #expect(stranger.recipient == nil && stranger.original?.jobID == "weekly")
        // Redacted: the original had one recipient, so that is who complained.
        let redacted = attribution.attribute(complaint(recipient: nil, messageID: "solo@origin.test"))
        #expect(redacted.recipient == "cat@c.test")
        // Redacted, several recipients: counted, no one named.
        #expect(attribution.attribute(complaint(recipient: nil, messageID: "weekly-1@origin.test")).recipient == nil)
    }

    @Test("a complaint about mail the node never sent names no one; the envelope pair of a sent message does")
    func complaintWithoutOriginal() {
        let unknown = attribution.attribute(complaint(recipient: "ann@a.test", messageID: "forged@x.test"))
        #expect(unknown.recipient == nil && unknown.evidence == nil)
        let byEnvelope = attribution.attribute(complaint(recipient: "ann@a.test", mailFrom: "news@origin.test", messageID: nil))
        #expect(byEnvelope.recipient == "ann@a.test" && byEnvelope.evidence == .envelope && byEnvelope.original?.id == MessageID(7))
        let wrongSender = attribution.attribute(complaint(recipient: "ann@a.test", mailFrom: "other@origin.test", messageID: nil))
        #expect(wrongSender.recipient == nil)
    }
}
