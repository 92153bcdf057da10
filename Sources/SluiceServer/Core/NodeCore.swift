import SluiceAccounting
import SluiceConfig
import SluiceCore
import SluiceDNS

/// The node's decisions as a pure state machine: engine inputs, delivery results and operator
/// commands in, ``NodeEffect``s out. No I/O, no actors, no clock: every input that needs the
/// time carries it, so a test drives hours of delivery with a synchronous loop.
///
/// It owns the ``DeliveryEngine`` and what the node keeps around it: the delivery connections
/// (``DeliveryLink``), the transactions in flight, the hosts that said 421, the recent events and
/// bounce counters, the controls backed by the override file, the header values for accounting.
/// The ``MailNode`` actor feeds it and performs the effects it returns.
struct NodeCore: Sendable {
    /// A transaction sent and not answered yet, with the target it went to.
    struct RunningTransaction: Hashable, Sendable {
        var transaction: Transaction
        var target: DeliveryTarget
        /// The source address its connection sends from (dlvSourceIp), nil for the node's own.
        var source: String?
    }

    /// The longest the node goes without a tick (accounting files are flushed and rotated on time).
    static let housekeepingInterval = TimeSpan(milliseconds: 1000)

    /// The delivery engine.
    var engine: DeliveryEngine
    /// The configuration in force (a reload replaces it).
    var configuration: ConfigModel
    /// The configuration's `<mx-rollup-list>` entries (empty: no rollup, no lookups).
    var rollupTable: MXRollupTable
    /// The name the node uses in EHLO, events and accounting.
    let hostName: String
    /// Whether any accounting file takes rows.
    let writesAccounting: Bool
    /// Whether an accounting file records receptions (`r` rows).
    let receiptAccounting: Bool
    /// The headers (lowercased) the accounting files record (`header_NAME` columns); empty:
    /// messages' headers are not read.
    let accountingHeaderNames: Set<String>
    /// For `header_NAME` columns: the header values of each message not finished yet.
    var accountingHeaderValues: [MessageID: [String: String]] = [:]
    /// The delivery connections the engine asked for.
    var links: [ConnectionID: DeliveryLink] = [:]
    /// The transactions sent and not answered yet.
    var running: [TransactionID: RunningTransaction] = [:]
    /// `smtp-421-means-mx-unavailable`: per queue, hosts that said 421 and until when the next
    /// connections try them last.
    var unavailableHosts: [QueueKey: [String: Instant]] = [:]
    /// Shutting down: no new connections or transactions.
    var stopping = false
    /// The newest delivery events, for `show events`.
    var recent = EventLog(capacity: 1000)
    /// Deferral and bounce replies clustered into templates (the console's Patterns view).
    var replyPatterns = ReplyPatternStats()
    /// Recipients bounced or expired since start, per category.
    var bouncesByCategory: [String: Int] = [:]
    /// Live controls set with `--persist`: the override file keeps them across restarts, so the
    /// spool does not; cancelling one removes its lines from the file.
    var fileBackedControls: Set<UInt64> = []
    /// Messages admitted since start.
    var messagesReceived = 0
    /// DKIM figures per queue since start.
    var dkimStats: [QueueKey: DKIMQueueStats] = [:]
    /// Per queued message, what its DSNs and the DSN parameters passed on need (kept only for
    /// messages that may get a DSN or have something to pass on or encode).
    var dsnInfo: [MessageID: MessageDSNInfo] = [:]
    /// Recipients being retried that asked for delay reports, per message and recipient index.
    var delayWatch: [MessageID: [Int: DelayWatch]] = [:]
    /// When the next delay report is due, if any is watched.
    var nextDelayCheck: Instant?
    /// The engine's warm-up revision and milestone last saved, and when.
    var warmupSaved: (revision: UInt64, milestone: UInt64, at: Instant) = (0, 0, .zero)

    /// A core around `engine` for `configuration`; `writesAccounting` tells whether any accounting
    /// file is open.
    init(configuration: ConfigModel, engine: DeliveryEngine, hostName: String, writesAccounting: Bool) {
        self.configuration = configuration
        self.rollupTable = configuration.mxRollupTable
        self.engine = engine
        self.hostName = hostName
        self.writesAccounting = writesAccounting
        self.receiptAccounting = configuration.acctFiles.contains { $0.records.contains(.received) }
        self.accountingHeaderNames = configuration.acctFiles.reduce(into: []) { $0.formUnion($1.headerNames) }
    }

    // MARK: - Engine inputs

    /// The vmta a message for `recipients` injected with `route` goes to (a pool's turn advances,
    /// a cold member's count of the day grows).
    mutating func chooseVirtualMTA(_ route: InjectionRoute, recipients: [String], now: Instant) throws(InjectionError) -> String {
        try engine.chooseVirtualMTA(for: route, recipients: recipients, now: now)
    }

    /// Queues a message stored in the spool; `headers` are its values for the accounting files'
    /// `header_NAME` columns. Receptions are accounted first.
    /// `dsn` are the message's DSN facts (nil: none, as for a DSN itself).
    mutating func admit(_ message: Message, headers: [String: String] = [:], dkim: DKIMReceipt = .notRequested,
                        dsn: MessageDSNInfo? = nil, now: Instant) throws(InjectionError) -> [NodeEffect] {
        if let dsn, dsn.isWorthKeeping { dsnInfo[message.id] = dsn }
        let actions: [EngineAction]
        do {
            actions = try engine.inject(message, route: InjectionRoute(requestedVMTA: message.vmta, requestAllowed: true),
                                        now: now)
        } catch {
            dsnInfo[message.id] = nil
            throw error
        }
        messagesReceived += 1
        if !accountingHeaderNames.isEmpty { accountingHeaderValues[message.id] = headers }
        var effects: [NodeEffect] = []
        count(dkim, of: message, now: now, into: &effects)
        if receiptAccounting {
            let context = DeliveryContext(node: hostName, size: message.size, headers: headers)
            for recipient in message.recipients {
                effects.append(.writeAccounting(.received(time: now, message: message, recipient: recipient, context: context)))
            }
        }
        return effects + self.effects(of: actions, now: now)
    }

    /// Brings back what a restart read from the spool: the controls first (so a hold applies
    /// before anything is sent), then the messages. Returns the effects, how many messages the
    /// engine took, and the ones it refused with why.
    mutating func restore(_ recovery: SpoolRecovery, now: Instant)
        -> (effects: [NodeEffect], restored: Int, refused: [(MessageID, InjectionError)]) {
        var effects = recovery.controls.flatMap { restore($0, now: now) }
        var refused: [(MessageID, InjectionError)] = []
        for entry in recovery.messages {
            do {
                effects += try restore(entry.message, recipients: entry.recipients, headers: entry.headers,
                                       dsn: entry.dsn, now: now)
            } catch {
                refused.append((entry.message.id, error))
            }
        }
        return (effects, recovery.messages.count - refused.count, refused)
    }

    /// Re-installs a control persisted in the spool.
    mutating func restore(_ control: Control, now: Instant) -> [NodeEffect] {
        effects(of: engine.restore(control, now: now), now: now)
    }

    /// Re-admits a message from the spool with its recipients' progress; `headers` are its
    /// accounting header values when they were read, `dsn` its DSN facts.
    mutating func restore(_ message: Message, recipients: [RestoredRecipient], headers: [String: String]?,
                          dsn: MessageDSNInfo? = nil, now: Instant) throws(InjectionError) -> [NodeEffect] {
        // Before the engine takes it: a message with nothing left to do finishes at once.
        if let headers { accountingHeaderValues[message.id] = headers }
        if let dsn, dsn.isWorthKeeping { dsnInfo[message.id] = dsn }
        do {
            return effects(of: try engine.restore(message, recipients: recipients, now: now), now: now)
        } catch {
            accountingHeaderValues[message.id] = nil
            dsnInfo[message.id] = nil
            throw error
        }
    }

    /// Does what is due, delay reports included.
    mutating func tick(now: Instant) -> [NodeEffect] {
        effects(of: engine.tick(now: now), now: now) + delayReports(now: now) + warmupSave(now: now)
    }

    /// When the node should tick next: the engine's next wakeup or the next delay report, at most
    /// ``housekeepingInterval`` after `now`.
    func nextWakeup(after now: Instant) -> Instant {
        var wakeup = now + Self.housekeepingInterval
        if let engine = engine.nextWakeup, engine < wakeup { wakeup = engine }
        if let delay = nextDelayCheck, delay < wakeup { wakeup = delay }
        return wakeup
    }

    /// Hands the engine a reloaded configuration; queue contents and operator controls are kept.
    mutating func reload(_ model: ConfigModel, now: Instant) -> [NodeEffect] {
        configuration = model
        rollupTable = model.mxRollupTable
        return effects(of: engine.reload(model, now: now), now: now)
    }

    /// Hands the engine the override file's throttles (after start, a `--persist` change, a
    /// cancel or a reload).
    mutating func setPersistedThrottles(_ throttles: [PersistedThrottle], now: Instant) -> [NodeEffect] {
        effects(of: engine.setPersistedThrottles(throttles, now: now), now: now)
    }

    /// Assigns each domain the rollup its MX host names match (none: its own queue), by the
    /// configuration in force now.
    mutating func assignRollups(_ exchanges: [String: [String]]) {
        guard !rollupTable.isEmpty else { return }
        for (domain, hosts) in exchanges {
            engine.assignRollup(rollupTable.queueName(forExchanges: hosts), to: domain)
        }
    }

    // MARK: - Shutdown

    /// Stops opening connections and starting transactions; those in flight still report back.
    mutating func stop() { stopping = true }

    /// Forgets every delivery connection and returns the open ones, to be closed.
    mutating func releaseConnections() -> [DeliveryHandle] {
        let open = links.values.compactMap { link -> DeliveryHandle? in
            if case .open(let handle, _) = link { return handle } else { return nil }
        }
        links = [:]
        return open
    }
}
