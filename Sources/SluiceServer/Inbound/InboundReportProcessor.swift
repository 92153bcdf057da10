import SluiceAccounting
import SluiceConfig
import SluiceControlProtocol
import SluiceCore
import SluiceReports

/// Processes the mail that comes to the addresses of `<bounce-processor>` and
/// `<feedback-loop-processor>` blocks: each report is stored durably in the ``ReportInbox`` before
/// the client gets 250, then read (``ReportParser``), tied to the node's own mail
/// (``ReportAttribution``), written as `rb`, `rs` or `f` records with their events
/// (``InboundReportRecords``), and its recipient suppressed as `<suppression>` says; then removed.
/// A report that cannot be read or attributed is kept in `inbound-reports/unparsed/` with the
/// reason, and a `report-unparsed` event; nothing is suppressed from it.
///
/// Processing runs on this actor, never on a listener: a 50 MB report or a burst of them delays
/// only other reports. Reports left in the inbox by a stop or crash are processed at the next start.
actor InboundReportProcessor {
    /// Writes one report's records and events on the node.
    typealias Recorder = @Sendable (_ records: [AccountingRecord], _ events: [EventRecord]) async -> Void

    private let inbox: ReportInbox
    private let parser = ReportParser()
    private let attribution: ReportAttribution
    private let suppression: NodeSuppression
    private let clock: any Clock
    private let log: @Sendable (String) -> Void
    private var records: InboundReportRecords
    private var recorder: Recorder?
    /// Reports stored and not processed yet.
    private var queued: [String] = []
    private var draining = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []

    /// A processor over `inbox`, attributing with `lookup`.
    init(inbox: ReportInbox, lookup: any SentMessageLookup, suppression: NodeSuppression, hostName: String,
         configuration: ConfigModel, clock: any Clock, log: @escaping @Sendable (String) -> Void) {
        self.inbox = inbox
        self.attribution = ReportAttribution(lookup: lookup)
        self.suppression = suppression
        self.clock = clock
        self.log = log
        records = InboundReportRecords(hostName: hostName,
                                       classifier: BounceClassifier(rules: configuration.bounceCategoryRules))
    }

    /// Starts processing: first the reports a previous run left in the inbox.
    func start(recorder: @escaping Recorder) {
        self.recorder = recorder
        let waiting = inbox.waiting()
        if !waiting.isEmpty { log("inbound-reports: \(waiting.count) report(s) left from the last run, processing them") }
        enqueue(waiting)
    }

    /// Stores a report durably; processed shortly after. Called by the listener before it answers.
    nonisolated func store(_ envelope: ReportInbox.Envelope, content: [UInt8]) throws -> String {
        try inbox.store(envelope, content: content)
    }

    /// Queues a stored report for processing.
    func enqueue(_ paths: [String]) {
        queued += paths
        guard !draining, recorder != nil, !queued.isEmpty else { return }
        draining = true
        Task { await drain() }
    }

    /// The bounce categories of a reloaded configuration.
    func reload(_ configuration: ConfigModel) {
        records = InboundReportRecords(hostName: records.hostName,
                                       classifier: BounceClassifier(rules: configuration.bounceCategoryRules))
    }

    /// Returns once every queued report has been processed.
    func waitUntilIdle() async {
        guard draining || !queued.isEmpty else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    private func drain() async {
        while !queued.isEmpty {
            let path = queued.removeFirst()
            await process(path)
        }
        draining = false
        let waiters = idleWaiters
        idleWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// Reads, attributes and records one stored report.
    private func process(_ path: String) async {
        let stored: ReportInbox.Stored
        do { stored = try inbox.read(path) } catch {
            await keep(path, reason: "unreadable inbox file: \(error)", processor: "")
            return
        }
        let now = clock.now()
        switch parser.parse(stored.content) {
        case .unparsed(let unparsed):
            await keep(path, reason: unparsed.description, processor: stored.envelope.processor)
        case .bounce(let report):
            let found = attribution.attribute(report, envelopeRecipients: stored.envelope.recipients)
            guard !found.isEmpty else {
                let named = report.recipients.map(\.address).prefix(3).joined(separator: ", ")
                await keep(path, reason: "bounce for \(named) not attributed: no VERP address, and neither its ENVID "
                                       + "nor its Message-ID names a message this node sent to that recipient",
                           processor: stored.envelope.processor)
                return
            }
            var written: [AccountingRecord] = [], events: [EventRecord] = []
            for bounce in found {
                let (record, event) = records.bounce(bounce, report: report, now: now)
                written.append(record)
                if let event { events.append(event) }
                if record.type == .remoteBounce, let category = record.bounceCat {
                    suppression.suppress(recipient: bounce.recipient, reason: category.rawValue,
                                         source: "rb \(CivilTime(now).isoText) \(record.queue ?? "") via \(bounce.evidence.rawValue)",
                                         sender: bounce.sender, jobID: bounce.original?.jobID, time: now)
                }
            }
            await recorder?(written, events)
            inbox.remove(path)
        case .complaint(let report):
            let complaint = attribution.attribute(report)
            let (record, event) = records.complaint(complaint, report: report, now: now)
            if let recipient = complaint.recipient, report.feedbackType.countsAsComplaint {
                suppression.suppress(recipient: recipient, reason: "complaint:\(report.feedbackType.description)",
                                     source: "f \(CivilTime(now).isoText) \(report.reportingMTA ?? report.format.rawValue)"
                                         + (complaint.original.map { " \($0.id)" } ?? ""),
                                     sender: complaint.sender, jobID: complaint.original?.jobID, time: now)
            }
            await recorder?([record], [event])
            if complaint.evidence == nil {
                inbox.keepUnparsed(path, reason: "complaint not attributed: counted, nothing suppressed")
            } else {
                inbox.remove(path)
            }
        }
    }

    private func keep(_ path: String, reason: String, processor: String) async {
        let kept = inbox.keepUnparsed(path, reason: reason)
        log("inbound-reports: \(kept) kept unparsed: \(reason)")
        await recorder?([], [records.unparsed(reason: reason, processor: processor, now: clock.now())])
    }
}
