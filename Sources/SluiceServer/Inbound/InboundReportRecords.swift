import SluiceAccounting
import SluiceBase
import SluiceConfig
import SluiceControlProtocol
import SluiceCore
import SluiceReports
import SluiceSuppression

/// The accounting records and events of processed inbound reports. Pure.
///
/// - An asynchronous bounce (`Action: failed`) is an `rb` record and an `async-bounce` event,
///   categorised by the node's bounce categories as a delivery reply would be.
/// - Another action in a report (`delayed`, `delivered`, `relayed`, `expanded`) is an `rs` record.
/// - A complaint is an `f` record and a `complaint` event.
struct InboundReportRecords: Sendable {
    /// The node's `host-name`, for the `node` field.
    let hostName: String
    /// The node's bounce categories.
    let classifier: BounceClassifier

    /// The record (and, for a failure, the event) of one attributed bounce recipient.
    func bounce(_ bounce: AttributedBounce, report: BounceReport, now: Instant) -> (AccountingRecord, EventRecord?) {
        let failed = (bounce.bounced.action ?? .failed) == .failed
        let reply = Self.reply(bounce.bounced)
        let category = failed ? classifier.classify(reply) : nil
        let original = bounce.original
        let vmta = original?.vmta ?? ""
        let queue = "\(Self.domain(of: bounce.recipient))/\(vmta)"
        let record = AccountingRecord(
            type: failed ? .remoteBounce : .remoteStatus, timeLogged: now, timeQueued: original?.receivedAt,
            orig: bounce.sender, rcpt: bounce.recipient, orcpt: bounce.bounced.originalRecipient,
            dsnAction: bounce.bounced.action.flatMap { DSNAction(rawValue: $0.rawValue) } ?? (failed ? .failed : nil),
            dsnStatus: bounce.bounced.status?.description, dsnDiag: bounce.bounced.diagnosticCode,
            dsnMta: bounce.bounced.remoteMTA, bounceCat: category, srcType: .smtp, vmta: original?.vmta,
            jobId: Self.nonEmpty(original?.jobID),
            envId: Self.nonEmpty(original?.envelopeID) ?? report.originalEnvelopeID,
            queue: queue, reportingMta: report.reportingMTA, msgId: original?.id, node: hostName)
        guard failed, let category else { return (record, nil) }
        let event = EventRecord(time: Self.seconds(now), kind: "async-bounce", queue: queue, recipient: bounce.recipient,
                                code: reply.code, dsnDiag: reply.dsnDiag, category: category.rawValue)
        return (record, event)
    }

    /// The `f` record and `complaint` event of a complaint.
    func complaint(_ complaint: AttributedComplaint, report: ComplaintReport, now: Instant) -> (AccountingRecord, EventRecord) {
        let original = complaint.original
        let recipient = complaint.recipient ?? report.originalRecipient ?? ""
        let queue = "\(Self.domain(of: recipient))/\(original?.vmta ?? "")"
        let detail = "\(report.format.rawValue) report from \(report.reportingMTA ?? report.userAgent ?? "an unnamed reporter")"
            + (report.sourceIP.map { " about mail from \($0)" } ?? "")
            + (complaint.evidence.map { "; matched by \($0.rawValue)" } ?? "; not matched to a message sent by this node")
        let record = AccountingRecord(
            type: .feedback, timeLogged: now, timeQueued: original?.receivedAt,
            orig: complaint.sender ?? report.originalMailFrom, rcpt: recipient, dsnDiag: detail, srcType: .smtp,
            vmta: original?.vmta, jobId: Self.nonEmpty(original?.jobID),
            envId: Self.nonEmpty(original?.envelopeID) ?? report.originalEnvelopeID, queue: queue,
            feedbackType: report.feedbackType.description, userAgent: report.userAgent, reportingMta: report.reportingMTA,
            msgId: original?.id, node: hostName)
        let event = EventRecord(time: Self.seconds(now), kind: "complaint", queue: queue, recipient: recipient, code: 0,
                                dsnDiag: detail, category: report.feedbackType.description)
        return (record, event)
    }

    /// The `report-unparsed` event of a report kept for inspection.
    func unparsed(reason: String, processor: String, now: Instant) -> EventRecord {
        EventRecord(time: Self.seconds(now), kind: "report-unparsed", queue: "", recipient: processor, code: 0,
                    dsnDiag: reason, category: "unparsed")
    }

    /// The remote reply a report recipient stands for: its Diagnostic-Code when that is an SMTP
    /// reply, else one built from its Status and text.
    static func reply(_ bounced: BouncedRecipient) -> SMTPReply {
        let status = bounced.status?.description
        if let diagnostic = bounced.diagnosticCode {
            let parsed = SMTPReply(diagnostic)
            if parsed.code > 0 { return parsed.enhancedStatus == nil ? parsed.withEnhancedStatus(status) : parsed }
        }
        let code = (bounced.status?.statusClass ?? 5) * 100 + 50
        return SMTPReply(code, status, bounced.diagnosticCode ?? "")
    }

    private static func domain(of address: String) -> String { SuppressionScope.domain(ofSender: address) ?? "" }

    private static func nonEmpty(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }

    private static func seconds(_ instant: Instant) -> Double { Double(instant.milliseconds) / 1000 }
}
