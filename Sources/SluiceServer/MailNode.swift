import Foundation
import ServiceLifecycle
import SluiceAccounting
import SluiceConfig
import SluiceControlServer
import SluiceCore
import SluiceDNS
import SluiceSMTP
import SluiceSpool

/// One running MTA: the SMTP listeners, the delivery engine, the spool, the delivery transport,
/// the accounting log and the control plane, in one process.
///
/// The node's decisions are ``NodeCore``'s, a pure state machine around the ``DeliveryEngine``;
/// the actor feeds it inputs and performs the ``NodeEffect``s it returns. The core is mutated
/// only synchronously inside the actor, so the actor's reentrancy at `await` points never exposes
/// a half-applied input. Network and disk waits happen in tasks that report back with one call each.
///
/// ```swift
/// let node = try await MailNode.start(configuration: model, options: NodeOptions(smtpListeners: [.loopback(port: 0)]))
/// let endpoint = InProcessEndpoint(service: node.controlService,
///                                  actor: .socketPeer(uid: getuid(), user: nil, label: "console"))
/// …
/// await node.shutdown()
/// ```
public actor MailNode {
    /// Delivery events (every recipient outcome) for subscribers.
    public nonisolated let events: EventHub
    /// Complaint rates and the reputation loop's counts, fed from ``events``.
    nonisolated let reputation: ReputationMonitor
    /// Complaint events counted for the warm-up schedules until the delivery loop takes them.
    nonisolated let warmupComplaints: WarmupComplaintFeed
    /// The spool the node stores messages in.
    public nonisolated let spool: Spool
    /// The spool directory.
    public nonisolated let spoolDirectory: String
    /// The name the node uses in EHLO, Received headers, events and accounting.
    public nonisolated let hostName: String
    /// When the node started.
    public nonisolated let startedAt: Instant

    nonisolated let options: NodeOptions
    nonisolated let auditLog: AuditLog?
    /// The override file `set throttle --persist` writes (`overrides.conf` in the spool directory).
    nonisolated let persistedOverrides: PersistedOverrides
    /// The headers (lowercased) the accounting files record; empty: messages' headers are not read.
    nonisolated let accountingHeaderNames: Set<String>
    /// The configuration and keys the listeners DKIM-sign with (swapped by `reload`).
    nonisolated let dkim: DKIMContextStore
    /// What the listeners do with each RCPT TO address (processor addresses are local, suppressed
    /// ones may be refused).
    nonisolated let recipientGate: NodeRecipientGate
    /// The suppression list: checked at RCPT and before a message is stored, fed by hard bounces
    /// and (through ``NodeSuppression/suppress(recipient:reason:source:sender:jobID:time:)``) by complaints.
    public nonisolated let suppression: NodeSuppression
    /// Reads the bounces and complaints sent to the processor addresses.
    nonisolated let inboundReports: InboundReportProcessor
    /// The messages taken for delivery, for tying reports to their job and vmta.
    nonisolated let sentMessages: SentMessageIndex
    let transport: any DeliveryTransport
    /// MX host names of recipient domains, for `<mx-rollup-list>` routing.
    let rollupResolver: RollupResolver
    /// Accounting, spool progress and controls, events.
    let records: NodeRecords

    /// The node's state and decisions.
    var core: NodeCore
    /// DNS queries through the node's resolver (the blocklist watch's).
    nonisolated let querier: any DNSQuerying
    /// The `<blocklist-watch>`'s state, when configured.
    var blocklist: BlocklistWatch?
    /// The task running the blocklist watch's rounds.
    var blocklistRounds: Task<Void, Never>?
    /// The link to the fleet's Redis (the `<cluster>` block); nil for a node on its own.
    public nonisolated let cluster: ClusterLink?
    /// The fleet's shared throttles, with ``cluster``.
    nonisolated let throttleStore: RedisThrottleStore?
    /// The suppression list replicated through ``cluster`` (docs/fleet.md "Suppression").
    nonisolated let suppressionReplica: SuppressionReplica?
    /// The link's state and live node count as last reported (for status and the console).
    var fleetStatus: FleetStatus?
    /// The task following the link's events.
    var fleetWatch: Task<Void, Never>?
    /// Carries out the operator actions other nodes publish (MailNode+FleetActions.swift).
    var fleetActionsWatch: Task<Void, Never>?
    /// Operator actions given while Redis was unreachable, shared when it answers again.
    var fleetActionOutbox: [FleetAction] = []
    /// The delivery loop's current sleep.
    var wakeup: Wakeup?
    /// The last 24 hours, minute by minute (``NodeHistory``).
    var history: NodeHistory
    /// The listeners and the control plane, once started.
    var servers = NodeServers()
    /// The service group running the listeners and the delivery loop, and the task running it.
    var services: (group: ServiceGroup, run: Task<Void, Never>)?
    /// ``finishDelivery()`` waiting for the transactions in flight.
    var drainWaiters: [CheckedContinuation<Void, Never>] = []
    /// Connects, sends, QUITs and DSNs being stored whose end the node has not taken up yet.
    var operationsInFlight = 0
    /// DSNs being composed and stored.
    var dsnsInFlight = 0
    /// ``finishDelivery()`` waiting for the DSNs being stored.
    var dsnWaiters: [CheckedContinuation<Void, Never>] = []

    /// The bound ports of the SMTP listeners, in the order of the listener list.
    public var smtpPorts: [Int] { servers.smtp.map(\.port) }
    /// The control socket's path, when it is open.
    public var controlSocketPath: String? { servers.controlSocket?.path }
    /// The HTTP management API's port, when it is open.
    public var httpPort: Int? { servers.http?.port }
    /// Delivery operations (connects, transactions, QUITs) handed to the transport whose outcome
    /// the node has not taken up yet. A simulation on a ``VirtualClock`` reads it to tell when the
    /// node waits on nothing but the clock: every operation in flight is then asleep on the clock.
    public var deliveryOperationsInFlight: Int { operationsInFlight }
    /// True once a shutdown has begun: nothing new is sent; what is in flight still reports back.
    public var isStopping: Bool { core.stopping }

    /// The command layer over this node, for an ``InProcessEndpoint`` (the embedded console) and
    /// the servers. Cheap to create; every instance shares the node's event hub and audit log.
    public nonisolated var controlService: ControlService {
        ControlService(node: self, auditLog: auditLog, events: events, clock: options.clock)
    }

    init(configuration: ConfigModel, startup: NodeStartup) {
        options = startup.options
        spool = startup.spool
        spoolDirectory = startup.spoolDirectory
        auditLog = startup.auditLog
        persistedOverrides = startup.overrides
        transport = startup.transport
        rollupResolver = startup.rollupResolver
        events = EventHub()
        reputation = ReputationMonitor(hub: events)
        warmupComplaints = WarmupComplaintFeed(hub: events)
        hostName = configuration.hostName ?? ProcessInfo.processInfo.hostName
        startedAt = options.clock.now()
        history = NodeHistory(spoolDirectory: startup.spoolDirectory, now: startedAt)
        suppression = NodeSuppression(settings: configuration.suppression, store: startup.suppressionStore,
                                      spoolDirectory: startup.spoolDirectory, events: events, log: options.log)
        records = NodeRecords(accounting: AccountingLog(files: configuration.acctFiles),
                              progress: ProgressWriter(spool: spool, log: options.log, clock: options.clock),
                              events: events, spool: spool, log: options.log, suppression: suppression,
                              warmupFile: startup.warmupFile)
        var engine = DeliveryEngine(configuration: configuration, tuning: options.tuning)
        _ = engine.setPersistedThrottles(persistedOverrides.throttles, now: startedAt)  // No queue yet: no action.
        if let ledger = startup.warmupLedger { _ = engine.restoreWarmup(ledger, now: startedAt) }  // Nor here.
        core = NodeCore(configuration: configuration, engine: engine, hostName: hostName,
                        writesAccounting: !records.accounting.writers.isEmpty)
        accountingHeaderNames = core.accountingHeaderNames
        dkim = DKIMContextStore(DKIMSigningContext(configuration: configuration, keyring: startup.dkimKeyring))
        recipientGate = NodeRecipientGate(configuration: configuration, suppression: suppression, clock: options.clock)
        sentMessages = startup.sentMessages
        querier = startup.querier
        let started = startedAt
        blocklist = configuration.blocklistWatch.map { BlocklistWatch(settings: $0, configuration: configuration, now: started) }
        let clock = options.clock, log = options.log
        let link = configuration.cluster.map { ClusterLink(settings: $0, clock: clock, log: log) }
        cluster = link
        throttleStore = link.map { RedisThrottleStore(link: $0, clock: clock) }
        suppressionReplica = .forCluster(link, suppression: suppression, settings: configuration.suppression,
                                         spoolDirectory: startup.spoolDirectory, log: log)
        fleetStatus = configuration.cluster.map {
            FleetStatus(node: $0.nodeName, state: .degraded(since: started), liveNodes: $0.members.count + 1, throttling: .local)
        }
        inboundReports = InboundReportProcessor(inbox: startup.reportInbox, lookup: startup.sentMessages,
                                                suppression: suppression, hostName: hostName,
                                                configuration: configuration, clock: options.clock, log: options.log)
    }

    var now: Instant { options.clock.now() }

    func log(_ line: String) { options.log(line) }

    // MARK: - Inputs

    /// The vmta a message for `recipients` injected with `route` goes to (a pool's turn advances,
    /// a cold member's count of the day grows).
    func chooseVirtualMTA(_ route: InjectionRoute, recipients: [String]) throws(InjectionError) -> String {
        try core.chooseVirtualMTA(route, recipients: recipients, now: now)
    }

    /// Queues a message already stored in the spool, after assigning its recipient domains
    /// their rollups when the configuration has an `<mx-rollup-list>` (which may wait for DNS,
    /// at most ``NodeOptions/rollupLookupTimeout``; the node does other work meanwhile).
    /// `headers` are the message's values for the accounting files' `header_NAME` columns; `dkim` is
    /// what signing did, counted per queue; `dsn` the envelope's DSN facts.
    func admit(_ message: Message, headers: [String: String] = [:], dkim: DKIMReceipt = .notRequested,
               dsn: MessageDSNInfo? = nil) async throws(InjectionError) {
        await assignRollups(forRecipients: message.recipients)
        perform(try core.admit(message, headers: headers, dkim: dkim, dsn: dsn, now: now))
    }

    /// Takes a message as the SMTP listeners take one after its end of data (the virtual MTA
    /// chosen, the message stored in the spool, then queued) without a socket, for a simulation
    /// injecting in process. `message.virtualMTA` stands for what `X-Virtual-MTA` or the source's
    /// `default-virtual-mta` chooses on a listener.
    public func receive(_ message: ReceivedMessage) async -> ReceiveResult {
        await NodeReceiver(node: self, spool: spool, configuration: core.configuration, log: options.log).receive(message)
    }

    /// Assigns the rollups of `recipients`' domains in the engine; nothing without an
    /// `<mx-rollup-list>`. Waits for DNS at most as ``RollupResolver`` allows.
    func assignRollups(forRecipients recipients: some Sequence<String>) async {
        guard !core.rollupTable.isEmpty else { return }
        await rollupResolver.lookUp(domains: RollupResolver.recipientDomains(recipients), log: options.log) { exchanges in
            await self.assignRollups(exchanges)
        }
    }

    private func assignRollups(_ exchanges: [String: [String]]) {
        core.assignRollups(exchanges)
    }

    /// A connection asked for by ``NodeEffect/openConnection(_:_:)`` opened or failed.
    func connected(_ id: ConnectionID, _ outcome: ConnectOutcome) {
        perform(core.connected(id, outcome, now: now))
        operationsInFlight -= 1
    }

    /// A transaction's replies arrived (or the connection broke).
    func transactionFinished(_ id: TransactionID, _ outcome: TransactionOutcome) {
        perform(core.transactionFinished(id, outcome, now: now))
        operationsInFlight -= 1
        if core.running.isEmpty { transactionsDrained() }
    }

    // MARK: - Effects

    /// Carries out the core's effects in order, then wakes the delivery loop if it must run sooner.
    func perform(_ effects: [NodeEffect]) {
        for effect in effects where !records.perform(effect, now: now) {
            switch effect {
            case .openConnection(let id, let plan):
                let transport = self.transport
                operationsInFlight += 1
                Task.detached { await self.connected(id, await transport.connect(plan)) }
            case .sendTransaction(let transaction, let handle, let envelope):
                let (spool, transport) = (self.spool, self.transport)
                operationsInFlight += 1
                // Detached: neither reading the content nor the peer waits on the node. On the
                // connection's thread: the send needs no hop there and back.
                Task.detached(executorPreference: transport.taskExecutor(for: handle)) {
                    await self.transactionFinished(
                        transaction.id, await transport.send(transaction, envelope: envelope, on: handle, from: spool))
                }
            case .sendDSN(let job):
                startDSN(job)
            case .requestGrants, .acquireLease, .releaseLease:
                performFleet(effect)
            case .closeConnection(let handle):
                let transport = self.transport
                operationsInFlight += 1
                Task {
                    await transport.quit(handle)
                    self.operationsInFlight -= 1
                }
            default:
                break  // Written by `records`.
            }
        }
        wakeEarlierIfNeeded()
    }
}
