import Foundation
import SluiceAccounting
import SluiceConfig
import SluiceControlProtocol
import SluiceControlServer
import SluiceCore
import SluiceSuppression
import Synchronization

/// The node's suppression list (``MailNode/suppression``): the ``SuppressionStore`` opened at start,
/// the `<suppression>` settings in force, and the entries the node adds by itself.
///
/// - Checks (``check(recipient:sender:jobID:)``) run on the listeners' event loops: the store's
///   in-memory filter answers most of them; entries still waiting for the writer are looked up in
///   memory. A database error is logged and the recipient treated as not suppressed (mail is not
///   refused because the list is unreadable).
/// - Additions (``suppress(recipient:reason:source:sender:jobID:time:)``, and the bounces
///   ``noteAccounting(_:)`` sees) never write SQLite on the caller's thread: they are queued, seen
///   by the very next check, and written in batches by a background task.
/// - Every second a background task takes in what another process (`sluice suppress add`) added.
/// - The filter is built on a thread of its own at start (seconds for 10,000,000 entries); until
///   then checks read the database directly.
public final class NodeSuppression: Sendable {
    private struct State {
        var settings: SuppressionSettings
        var store: SuppressionStore?
        /// Entries queued for the writer, by address: already in force for checks.
        var pending: [String: [SuppressionEntry]] = [:]
        /// The same, in order, for the writer.
        var queue: [SuppressionEntry] = []
        var tasks: [Task<Void, Never>] = []
        /// A filter build is running on its thread.
        var buildingFilter = false
        /// Told after the writer wrote and after every refresh (the fleet's replica pushes then).
        var onChange: (@Sendable () -> Void)?
    }

    private let state: Mutex<State>
    /// The spool directory, where the default database file is.
    private let spoolDirectory: String
    private let log: @Sendable (String) -> Void
    /// Where `suppressed` events go.
    private let events: EventHub
    /// Wakes the writer.
    private let writerWakeup: AsyncStream<Void>.Continuation
    private let writerSignals: AsyncStream<Void>

    /// The node's list with `store` (nil: suppression is off) under `settings`.
    init(settings: SuppressionSettings, store: SuppressionStore?, spoolDirectory: String, events: EventHub,
         log: @escaping @Sendable (String) -> Void) {
        self.spoolDirectory = spoolDirectory
        self.log = log
        self.events = events
        (writerSignals, writerWakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        state = Mutex(State(settings: settings, store: store))
    }

    /// Opens the list `settings` name; nil when suppression is off.
    ///
    /// - Throws: ``NodeStartError`` naming the file when it cannot be opened.
    static func open(_ settings: SuppressionSettings, spoolDirectory: String) throws -> SuppressionStore? {
        guard settings.enabled else { return nil }
        let path = settings.databasePath(spoolDirectory: spoolDirectory)
        do { return try SuppressionStore(path: path) } catch {
            throw NodeStartError.failed(part: "suppression list \(path)", reason: error.message)
        }
    }

    /// The settings in force.
    public var settings: SuppressionSettings { state.withLock { $0.settings } }

    /// True when suppressed recipients are refused at RCPT (`action reject`, suppression on).
    var rejectsAtRCPT: Bool { state.withLock { $0.settings.enabled && $0.settings.action == .reject } }

    /// The list, when suppression is on.
    public var store: SuppressionStore? { state.withLock { $0.settings.enabled ? $0.store : nil } }

    // MARK: - Background work

    /// Starts building the filter, the writer and the refresher.
    func start() {
        guard let store = state.withLock({ $0.store }) else { return }
        buildFilter(store)
        let writer = Task.detached { [self] in
            for await _ in writerSignals { writeQueued() }
        }
        // Real time whatever the node's clock: another process's changes arrive in real time.
        let refresher = Task.detached { [self] in
            let clock = WallClock()
            while (try? await clock.sleep(until: clock.now() + .seconds(1))) != nil { refresh() }
        }
        state.withLock { $0.tasks += [writer, refresher] }
    }

    /// Stops the background tasks and writes what is still queued.
    func close() async {
        writerWakeup.finish()
        let tasks = state.withLock { state in
            defer { state.tasks = [] }
            return state.tasks
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        writeQueued()
    }

    /// Builds the store's filter on a thread of its own (seconds for 10,000,000 entries), unless
    /// a build is already running.
    private func buildFilter(_ store: SuppressionStore) {
        guard state.withLock({ state in
            defer { state.buildingFilter = true }
            return !state.buildingFilter
        }) else { return }
        let log = self.log
        Thread.detachNewThread { [self] in
            defer { state.withLock { $0.buildingFilter = false } }
            let clock = WallClock()
            let started = clock.now()
            do {
                try store.buildFilter()
                let status = store.filterStatus
                log("suppression: filter of \(status.insertions) address(es) ready in \(clock.now() - started) "
                    + "(\(status.bytes >> 20) MiB); \(store.path)")
            } catch {
                log("suppression: filter not built, checks read \(store.path) directly: \(error)")
            }
        }
    }

    /// Takes in other processes' additions, rebuilds an overfull filter, and wakes the writer when
    /// entries wait (after a failed write).
    private func refresh() {
        let (store, waiting) = state.withLock { ($0.store, !$0.queue.isEmpty) }
        guard let store else { return }
        if waiting { writerWakeup.yield() }
        do { try store.refresh() } catch {
            log("suppression: refresh of \(store.path): \(error)")
        }
        if store.filterNeedsRebuild { buildFilter(store) }
        state.withLock { $0.onChange }?()
    }

    /// Writes the queued entries in one transaction; on failure they stay queued and the refresher
    /// wakes the writer again a second later. Called by the writer task only (and by ``close()``
    /// once it has ended), so that two writes never take the same batch.
    private func writeQueued() {
        let (store, batch) = state.withLock { ($0.store, $0.queue) }
        guard let store, !batch.isEmpty else { return }
        do { try store.add(batch) } catch {
            log("suppression: \(batch.count) entr(ies) not written to \(store.path), kept for the next try: \(error)")
            return
        }
        let onChange = state.withLock { state in
            state.queue.removeFirst(min(batch.count, state.queue.count))
            for entry in batch {
                state.pending[entry.address]?.removeAll { $0 == entry }
                if state.pending[entry.address]?.isEmpty == true { state.pending[entry.address] = nil }
            }
            return state.onChange
        }
        onChange?()
    }

    // MARK: - Checking

    /// The entry that suppresses `recipient` for a message from `sender` (in job `jobID`, nil when
    /// not known yet), or nil; always nil when suppression is off.
    public func check(recipient: String, sender: String, jobID: String?) -> SuppressionEntry? {
        let address = recipient.lowercased()
        let senderDomain = SuppressionScope.domain(ofSender: sender)
        let (store, queued) = state.withLock { state -> (SuppressionStore?, [SuppressionEntry]) in
            guard state.settings.enabled else { return (nil, []) }
            return (state.store, state.pending[address] ?? [])
        }
        guard let store else { return nil }
        if let entry = queued.first(where: { $0.scope.applies(senderDomain: senderDomain, jobID: jobID) }) { return entry }
        do { return try store.check(address, senderDomain: senderDomain, jobID: jobID) } catch {
            log("suppression: check of \(address) in \(store.path) failed, treated as not suppressed: \(error)")
            return nil
        }
    }

    /// The reply for a recipient refused because of `entry`.
    static func reply(for entry: SuppressionEntry) -> SMTPReply {
        SMTPReply(550, "5.7.1", "Recipient address suppressed (\(entry.reason))")
    }

    /// Publishes the `suppressed` event for `recipient`, refused or dropped because of `entry`, in
    /// the queue of vmta `vmta` (empty at RCPT, before a vmta is chosen).
    func publishEvent(recipient: String, vmta: String, entry: SuppressionEntry, time: Instant) {
        let domain = SuppressionScope.domain(ofSender: recipient) ?? ""
        events.publish(EventRecord(time: Double(time.milliseconds) / 1000, kind: "suppressed", queue: "\(domain)/\(vmta)",
                                   recipient: recipient, code: 550, dsnDiag: Self.reply(for: entry).dsnDiag,
                                   category: entry.reason))
    }

    // MARK: - Adding

    /// Suppresses `recipient` because of `reason` (a bounce category such as `bad-mailbox`, or
    /// `complaint:TYPE` for a complaint), in the configured scope: for `sender-domain` the domain of
    /// `sender`, for `job` the job `jobID` (global when the message had no sender domain or job).
    /// Does nothing when suppression is off, or when the settings do not suppress for `reason`
    /// (complaints: `suppress-complaints`; bounces: `suppress-categories`). Queued for the
    /// background writer; in force for the next check already.
    ///
    /// - Parameters:
    ///   - source: what caused it, e.g. `b 2026-12-05T10:11:12Z gmail.com/vmta1` or `f <message-id>`.
    ///   - time: when (the node's clock).
    public func suppress(recipient: String, reason: String, source: String, sender: String?, jobID: String?, time: Instant) {
        guard SuppressionEntry.isAddress(recipient) else { return }
        let queued = state.withLock { state -> Bool in
            let settings = state.settings
            guard settings.enabled, state.store != nil else { return false }
            let suppresses = reason.hasPrefix("complaint")
                ? settings.suppressComplaints
                : settings.suppressCategories.contains(BounceCategory(rawValue: reason))
            guard suppresses else { return false }
            let scope: SuppressionScope
            switch settings.scope {
            case .global: scope = .global
            case .senderDomain: scope = sender.flatMap(SuppressionScope.domain(ofSender:)).map { .senderDomain($0) } ?? .global
            case .job: scope = jobID.flatMap { $0.isEmpty ? nil : SuppressionScope.job($0) } ?? .global
            }
            let entry = SuppressionEntry(address: recipient, scope: scope, reason: reason, source: source, time: time)
            state.pending[entry.address, default: []].append(entry)
            state.queue.append(entry)
            return true
        }
        if queued { writerWakeup.yield() }
    }

    /// Suppresses the recipient of a `b` record whose category the settings name.
    func noteAccounting(_ record: AccountingRecord) {
        guard record.type == .bounced, let recipient = record.rcpt, let category = record.bounceCat else { return }
        suppress(recipient: recipient, reason: category.rawValue,
                 source: "b \(CivilTime(record.timeLogged).isoText) \(record.queue ?? "")",
                 sender: record.orig, jobID: record.jobId, time: record.timeLogged)
    }

    // MARK: - Fleet

    /// Calls `handler` (nil: no one) after each write of queued entries and after each refresh
    /// (every second): the fleet's ``SuppressionReplica`` then reads the file's new rows.
    func observeChanges(_ handler: (@Sendable () -> Void)?) {
        state.withLock { $0.onChange = handler }
    }

    /// Puts in force entries another node of the fleet added (their source already says so), as
    /// ``suppress(recipient:reason:source:sender:jobID:time:)`` does: in force for the next check,
    /// written by the writer. The settings' reasons and scope are not consulted (the node that
    /// added them did); an entry this node already has for the address and scope, as recent or
    /// more, is left out. Returns the number taken; 0 when suppression is off.
    @discardableResult
    func applyFromFleet(_ entries: [SuppressionEntry]) -> Int {
        guard let store else { return 0 }
        var fresh: [SuppressionEntry] = []
        for entry in entries {
            var known = state.withLock { $0.pending[entry.address] ?? [] }
            do { known += try store.entries(for: entry.address) } catch {
                log("suppression: lookup of \(entry.address) in \(store.path) failed, fleet entry taken again: \(error)")
            }
            guard !known.contains(where: { $0.scope == entry.scope && $0.time >= entry.time }),
                  !fresh.contains(where: { $0.address == entry.address && $0.scope == entry.scope && $0.time >= entry.time })
            else { continue }
            fresh.append(entry)
        }
        guard !fresh.isEmpty else { return 0 }
        state.withLock { state in
            for entry in fresh { state.pending[entry.address, default: []].append(entry) }
            state.queue += fresh
        }
        writerWakeup.yield()
        return fresh.count
    }

    // MARK: - Reload

    /// Puts `settings` in force; opens the list when it was off at start. A changed `database` is
    /// logged and waits for a restart.
    ///
    /// - Throws: ``NodeStartError`` when the list must be opened and cannot be.
    func reload(_ settings: SuppressionSettings) throws {
        let (old, store) = state.withLock { ($0.settings, $0.store) }
        if store == nil, settings.enabled {
            let opened = try Self.open(settings, spoolDirectory: spoolDirectory)
            state.withLock { $0.store = opened }
            start()
        } else if settings.databasePath(spoolDirectory: spoolDirectory) != old.databasePath(spoolDirectory: spoolDirectory) {
            log("suppression: database changed to \(settings.databasePath(spoolDirectory: spoolDirectory)); "
                + "still using \(old.databasePath(spoolDirectory: spoolDirectory)) until the next start")
        }
        state.withLock { $0.settings = settings }
    }
}
