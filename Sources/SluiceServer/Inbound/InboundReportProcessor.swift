import Foundation
import SluiceAccounting
import SluiceConfig
import SluiceControlProtocol
import SluiceCore
import SluiceReports
import Synchronization

/// Processes the mail that comes to the addresses of `<bounce-processor>` and
/// `<feedback-loop-processor>` blocks: each report is stored durably in the ``ReportInbox`` before
/// the client gets 250, then read (``ReportParser``), tied to the node's own mail
/// (``ReportAttribution``), written as `rb`, `rs` or `f` records with their events
/// (``InboundReportRecords``), and its recipient suppressed as `<suppression>` says; then removed.
/// A report that cannot be read or attributed is kept in `inbound-reports/unparsed/` with the
/// reason, and a `report-unparsed` event; nothing is suppressed from it.
///
/// The block's options, as PowerMTA has them: `deliver-matched-email` delivers a processed report
/// on to the processor address as ordinary mail; mail that is no report at all (a person's reply
/// to a bounce address) is "unmatched": `forward-unmatched-to` sends a copy to an address,
/// `deliver-unmatched-email` delivers it on; a report that could not be read or tied to the node's
/// mail is an error: `forward-errors-to` sends a copy. Copies go out from the null sender, so they
/// can never bounce back into a processor.
///
/// Processing runs on this actor, never on a listener: a 50 MB report or a burst of them delays
/// only other reports. Reports left in the inbox by a stop or crash are processed at the next start.
actor InboundReportProcessor {
    /// Writes one report's records and events on the node.
    typealias Recorder = @Sendable (_ records: [AccountingRecord], _ events: [EventRecord]) async -> Void
    /// Queues a copy of a report for delivery to the recipients (through the virtual MTA the
    /// report came in on); false when the node refused it.
    typealias Forwarder = @Sendable (_ content: [UInt8], _ recipients: [String], _ virtualMTA: String?) async -> Bool

    /// What became of a report, for the block's options.
    private enum Disposition {
        /// Read and tied to the node's mail.
        case matched
        /// No report at all (no machine-readable part, no recognised bounce text).
        case unmatched
        /// A report that could not be read or tied to the node's mail.
        case error
    }

    private let inbox: ReportInbox
    private let parser = ReportParser()
    private let attribution: ReportAttribution
    private let suppression: NodeSuppression
    private let clock: any Clock
    private let log: @Sendable (String) -> Void
    private var records: InboundReportRecords
    private var recorder: Recorder?
    private var forwarder: Forwarder?
    /// The blocks in force, for their options.
    private var processors: [InboundProcessor]
    /// Reports stored and not processed yet.
    private var queued: [String] = []
    /// Reports stored and not yet processed, as the listeners see it (they refuse past ``maximumBacklog``).
    private nonisolated let backlog = Atomic<Int>(0)
    /// How many stored reports may wait for processing before the listeners answer `452 4.3.1`:
    /// a flood of reports slows down its senders instead of filling the disk.
    static let maximumBacklog = 10_000
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
        processors = configuration.inboundProcessors
        records = InboundReportRecords(hostName: hostName,
                                       classifier: BounceClassifier(rules: configuration.bounceCategoryRules))
    }

    /// Starts processing: first the reports a previous run left in the inbox.
    func start(recorder: @escaping Recorder, forwarder: @escaping Forwarder) {
        self.recorder = recorder
        self.forwarder = forwarder
        let waiting = inbox.waiting()
        backlog.add(waiting.count, ordering: .relaxed)
        if !waiting.isEmpty { log("inbound-reports: \(waiting.count) report(s) left from the last run, processing them") }
        enqueue(waiting)
    }

    /// Stores a report durably; processed shortly after. Called by the listener before it answers.
    ///
    /// - Throws: ``InboxError`` when ``maximumBacklog`` reports already wait, or the file cannot be written.
    nonisolated func store(_ envelope: ReportInbox.Envelope, content: [UInt8]) throws -> String {
        guard backlog.load(ordering: .relaxed) < Self.maximumBacklog else {
            throw InboxError("\(Self.maximumBacklog) reports already wait for processing")
        }
        let path = try inbox.store(envelope, content: content)
        backlog.add(1, ordering: .relaxed)
        return path
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
        processors = configuration.inboundProcessors
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
            backlog.subtract(1, ordering: .relaxed)
        }
        draining = false
        let waiters = idleWaiters
        idleWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// Reads, attributes and records one stored report, then acts on the block's options.
    private func process(_ path: String) async {
        let stored: ReportInbox.Stored
        do { stored = try inbox.read(path) } catch {
            await keep(path, reason: "unreadable inbox file: \(error)", processor: "")
            return
        }
        let (disposition, reason) = await record(stored)
        let block = stored.envelope.recipients.lazy.compactMap { address in
            self.processors.first { $0.accepts(address) }
        }.first
        var handled = disposition == .matched
        switch disposition {
        case .matched:
            if block?.deliverMatchedEmail == true { await forward(stored, to: stored.envelope.recipients, what: "delivered on") }
        case .unmatched:
            if let address = block?.forwardUnmatchedTo {
                handled = await forward(stored, to: [address], what: "forwarded (forward-unmatched-to)") || handled
            }
            if block?.deliverUnmatchedEmail == true {
                handled = await forward(stored, to: stored.envelope.recipients, what: "delivered on") || handled
            }
        case .error:
            if let address = block?.forwardErrorsTo { await forward(stored, to: [address], what: "forwarded (forward-errors-to)") }
        }
        if handled {
            inbox.remove(path)
        } else {
            await keep(path, reason: reason ?? "not processed", processor: stored.envelope.processor)
        }
    }

    /// Writes the records and suppressions of one report; the reason is for a report not matched.
    private func record(_ stored: ReportInbox.Stored) async -> (Disposition, String?) {
        let now = clock.now()
        switch parser.parse(stored.content) {
        case .unparsed(let unparsed):
            return (unparsed.reason == .noMachineReadablePart ? .unmatched : .error, unparsed.description)
        case .bounce(let report):
            let found = attribution.attribute(report, envelopeRecipients: stored.envelope.recipients)
            guard !found.isEmpty else {
                let named = report.recipients.map(\.address).prefix(3).joined(separator: " ")
                return (.error, "bounce for \(named) not attributed: no VERP address, and neither its ENVID "
                                + "nor its Message-ID names a message this node sent to that recipient")
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
            return (.matched, nil)
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
            guard complaint.evidence != nil else {
                return (.error, "complaint not attributed to a message this node sent: counted, nothing suppressed")
            }
            return (.matched, nil)
        }
    }

    /// Sends a copy of a stored report to `recipients`; false when the node refused it.
    @discardableResult
    private func forward(_ stored: ReportInbox.Stored, to recipients: [String], what: String) async -> Bool {
        guard let forwarder else { return false }
        let done = await forwarder(stored.content, recipients, stored.envelope.virtualMTA)
        log("inbound-reports: \((stored.path as NSString).lastPathComponent) \(done ? "" : "not ")\(what) to "
            + recipients.joined(separator: ", "))
        return done
    }

    private func keep(_ path: String, reason: String, processor: String) async {
        let kept = inbox.keepUnparsed(path, reason: reason)
        log("inbound-reports: \(kept) kept unparsed: \(reason)")
        await recorder?([], [records.unparsed(reason: reason, processor: processor, now: clock.now())])
    }
}
