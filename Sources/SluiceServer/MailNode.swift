import Foundation
import NIOCore
import NIOPosix
import SluiceAccounting
import SluiceConfig
import SluiceControlServer
import SluiceCore
import SluiceDNS
import SluiceSMTP
import SluiceSpool

/// One running MTA: the SMTP listeners, the delivery engine, the spool, the delivery client, the
/// accounting log and the control plane, in one process.
///
/// The node owns the ``DeliveryEngine`` (a pure state machine) and performs every action it
/// returns. The engine is mutated only synchronously inside the actor, so the actor's reentrancy
/// at `await` points never exposes a half-applied input. Network and disk waits happen in tasks
/// that report back with one call each.
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
    let connector: DeliveryConnector
    /// MX host names of recipient domains, for `<mx-rollup-list>` routing.
    let rollupResolver: RollupResolver
    let progress: ProgressWriter
    let accounting: AccountingLog
    let receiptAccounting: Bool
    /// The headers (lowercased) the accounting files record (`header_NAME` columns); empty:
    /// messages' headers are not read.
    nonisolated let accountingHeaderNames: Set<String>
    /// For `header_NAME` columns: the header values of each message not finished yet.
    var accountingHeaderValues: [MessageID: [String: String]] = [:]

    var configuration: ConfigModel
    /// The configuration's `<mx-rollup-list>` entries (empty: no rollup, no lookups).
    var rollupTable: MXRollupTable
    var engine: DeliveryEngine
    var links: [ConnectionID: DeliveryLink] = [:]
    var running: [TransactionID: Transaction] = [:]
    /// `smtp-421-means-mx-unavailable`: per queue, hosts that said 421 and until when the next
    /// connections try them last.
    var unavailableHosts: [QueueKey: [String: Instant]] = [:]
    var stopping = false
    var timer = WakeupTimer()
    var recent = EventLog(capacity: 1000)
    var bouncesByCategory: [String: Int] = [:]
    /// Live controls set with `--persist`: the override file keeps them across restarts, so the
    /// spool does not; cancelling one removes its lines from the file.
    var fileBackedControls: Set<UInt64> = []
    var messagesReceived = 0

    var smtpServers: [SMTPServer] = []
    /// The inbound connection and message-memory limits all SMTP listeners share.
    var inboundGate: InboundGate?
    var controlSocket: ControlSocketServer?
    var httpServer: ManagementHTTPServer?

    /// The bound ports of the SMTP listeners, in the order of the listener list.
    public var smtpPorts: [Int] { smtpServers.map(\.port) }
    /// The control socket's path, when it is open.
    public var controlSocketPath: String? { controlSocket?.path }
    /// The HTTP management API's port, when it is open.
    public var httpPort: Int? { httpServer?.port }

    /// The command layer over this node, for an ``InProcessEndpoint`` (the embedded console) and
    /// the servers. Cheap to create; every instance shares the node's event hub and audit log.
    public nonisolated var controlService: ControlService {
        ControlService(node: self, auditLog: auditLog, events: events, clock: options.clock)
    }

    init(configuration: ConfigModel, options: NodeOptions, spool: Spool, spoolDirectory: String,
         auditLog: AuditLog?, persistedOverrides: PersistedOverrides, connector: DeliveryConnector,
         rollupResolver: RollupResolver) {
        self.configuration = configuration
        self.rollupTable = configuration.mxRollupTable
        self.rollupResolver = rollupResolver
        self.options = options
        self.spool = spool
        self.spoolDirectory = spoolDirectory
        self.auditLog = auditLog
        self.persistedOverrides = persistedOverrides
        self.connector = connector
        self.events = EventHub()
        self.hostName = configuration.hostName ?? ProcessInfo.processInfo.hostName
        self.startedAt = options.clock.now()
        var engine = DeliveryEngine(configuration: configuration, tuning: options.tuning)
        // No queue exists yet, so there is nothing to perform.
        _ = engine.setPersistedThrottles(persistedOverrides.throttles, now: options.clock.now())
        self.engine = engine
        self.progress = ProgressWriter(spool: spool, log: options.log, clock: options.clock)
        self.accounting = AccountingLog(files: configuration.acctFiles)
        self.receiptAccounting = configuration.acctFiles.contains { $0.records.contains(.received) }
        self.accountingHeaderNames = configuration.acctFiles.reduce(into: []) { $0.formUnion($1.headerNames) }
    }

    var now: Instant { options.clock.now() }

    func log(_ line: String) { options.log(line) }

    // MARK: - Engine inputs

    /// The vmta a message injected with `route` goes to (a pool's turn advances).
    func chooseVirtualMTA(_ route: InjectionRoute) throws(InjectionError) -> String {
        try engine.chooseVirtualMTA(for: route)
    }

    /// Queues a message already stored in the spool, after assigning its recipient domains
    /// their rollups when the configuration has an `<mx-rollup-list>` (which may wait for DNS,
    /// at most ``NodeOptions/rollupLookupTimeout``; the node does other work meanwhile).
    /// `headers` are the message's values for the accounting files' `header_NAME` columns.
    func admit(_ message: Message, headers: [String: String] = [:]) async throws(InjectionError) {
        await assignRollups(forRecipients: message.recipients)
        let actions = try engine.inject(message, route: InjectionRoute(requestedVMTA: message.vmta, requestAllowed: true),
                                        now: now)
        messagesReceived += 1
        if !accountingHeaderNames.isEmpty { accountingHeaderValues[message.id] = headers }
        if receiptAccounting {
            let time = now
            for recipient in message.recipients {
                writeAccounting(.received(time: time, message: message, recipient: recipient,
                                          context: DeliveryContext(node: hostName, size: message.size, headers: headers)))
            }
        }
        perform(actions)
    }

    /// Performs the engine's actions, and the inputs some of them produce at once (a DNS verdict
    /// answering a transaction), then records progress in one batch and re-arms the timer.
    func perform(_ initial: [EngineAction], destination: DeliveryTarget? = nil) {
        var work = initial
        var index = 0
        var entries: [RecipientProgress] = []
        while index < work.count {
            switch work[index] {
            case .openConnection(let id, let key):
                open(id, for: key)
            case .startTransaction(let transaction):
                if let follow = start(transaction) { work += follow }
            case .closeConnection(let id):
                close(id)
            case .record(let record):
                entries.append(note(record, destination: destination))
            case .messageFinished(let id, _):
                // The spool forgets a message once its last recipient's final progress is written.
                accountingHeaderValues[id] = nil
            case .controlAdded(let control):
                if !fileBackedControls.contains(control.id) { persist(control) }
            case .controlRemoved(let control, _):
                if fileBackedControls.remove(control.id) == nil { forget(control) }
            }
            index += 1
        }
        progress.submit(entries)
        armTimer()
    }
}

/// A delivery connection as the node tracks it.
enum DeliveryLink {
    /// Being resolved and connected.
    case connecting
    /// Open to a target.
    case open(SMTPClientConnection, DeliveryTarget)
    /// No connection: DNS said the domain takes no mail; transactions get this reply.
    case verdict(SMTPReply)
}
