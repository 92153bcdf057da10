import SluiceConfig
import Testing
@testable import SluiceCore

/// A fake delivery layer on a virtual clock: performs the engine's actions instantly or after a
/// simulated latency, answers transactions from a script, and jumps from one event to the next
/// (the engine's `nextWakeup` or a pending I/O completion) instead of stepping through time.
struct Simulator {
    enum IOEvent {
        case opened(ConnectionID)
        case failed(ConnectionID, ConnectionFailure)
        case completed(TransactionID, [SMTPReply])
    }

    var engine: DeliveryEngine
    var now = Instant.zero
    var connectLatency = TimeSpan(milliseconds: 0)
    var transactionLatency = TimeSpan(milliseconds: 0)
    /// The replies for a transaction started at an instant (default: 250 for every recipient).
    var answer: (Transaction, Instant) -> [SMTPReply] = { tx, _ in tx.recipients.map { _ in SMTPReply("250 2.0.0 ok") } }
    /// When set, the replies for a transaction by the index of the source address its connection
    /// sends from (see ``DeliveryEngine/sourceIndex(of:)``); it takes the place of ``answer``.
    var answerBySource: ((Transaction, Int, Instant) -> [SMTPReply])?
    /// A connection failure for a connection opened at an instant, or nil for success.
    var connectOutcome: (QueueKey, Instant) -> ConnectionFailure? = { _, _ in nil }

    private var pending: [(time: Int64, seq: Int, event: IOEvent)] = []
    private var seq = 0

    // What happened.
    var started: [(time: Instant, tx: Transaction)] = []
    var records: [DeliveryRecord] = []
    var finishedMessages: [MessageID] = []
    var controlEvents: [EngineAction] = []
    /// `sourceDisabled` and `sourceEnabled` actions, in order.
    var sourceEvents: [EngineAction] = []
    /// `requestGrants`, `acquireLease` and `releaseLease` actions for the test to answer, in order.
    var fleetRequests: [EngineAction] = []
    /// The source index of each started transaction's connection, in ``started``'s order.
    var startedSources: [Int] = []
    var openedConnections = 0
    private(set) var openNow: [QueueKey: Int] = [:]
    private(set) var maxOpen: [QueueKey: Int] = [:]
    private(set) var messagesOnConnection: [ConnectionID: Int] = [:]
    private var connectionQueue: [ConnectionID: QueueKey] = [:]

    init(_ configuration: any EngineConfiguration, tuning: EngineTuning = EngineTuning()) {
        engine = DeliveryEngine(configuration: configuration, tuning: tuning)
    }

    /// Injects single-domain messages `count` times with `recipientsEach` recipients at `now`.
    mutating func inject(_ count: Int, to domain: String, recipientsEach: Int = 1, vmta: String? = nil,
                         firstID: UInt64, size: Int = 1000, job: String? = nil) throws {
        for n in 0..<count {
            let recipients = (0..<recipientsEach).map { "u\($0)@\(domain)" }
            let message = Message(id: MessageID(firstID + UInt64(n)), sender: "bounce@sender.example",
                                  recipients: recipients, size: size, jobID: job, vmta: "", receivedAt: now)
            handle(try engine.inject(message, route: InjectionRoute(defaultVMTA: vmta), now: now))
        }
    }

    mutating func apply(_ command: ControlCommand, who: String = "console", why: String = "test",
                        for duration: TimeSpan? = nil) throws {
        handle(try engine.apply(command, by: ControlRequest(who: who, why: why, duration: duration), now: now))
    }

    /// Runs until `end` (inclusive).
    mutating func run(until end: Instant) {
        run(until: end) { _ in false }
    }

    /// Runs until `end` or until `stop` holds after an event.
    mutating func run(until end: Instant, stop: (Simulator) -> Bool) {
        var steps = 0
        while true {
            steps += 1
            if steps > 3_000_000 {
                Issue.record("simulation did not advance past \(now)")
                return
            }
            let io = pending.first?.time
            let wake = engine.nextWakeup?.milliseconds
            let next = [io, wake].compactMap { $0 }.min()
            guard let t = next, t <= end.milliseconds else {
                now = max(now, end)
                checkInvariants()
                return
            }
            now = Instant(milliseconds: max(now.milliseconds, t))
            if let io, io <= now.milliseconds {
                let event = pending.removeFirst().event
                switch event {
                case .opened(let c): handle(engine.connectionOpened(c, now: now))
                case .failed(let c, let f):
                    if let key = connectionQueue.removeValue(forKey: c) { openNow[key, default: 0] -= 1 }
                    handle(engine.connectionFailed(c, f, now: now))
                case .completed(let id, let replies): handle(engine.transactionCompleted(id, replies: replies, now: now))
                }
            } else {
                handle(engine.tick(now: now))
            }
            if stop(self) {
                checkInvariants()
                return
            }
        }
    }

    /// Records an issue for every count the engine got wrong (skipped for very large engines).
    func checkInvariants() {
        guard engine.pendingRecipients < 200_000 else { return }
        for problem in engine.invariantViolations() { Issue.record("invariant: \(problem)") }
    }

    mutating func handle(_ actions: [EngineAction]) {
        for action in actions {
            switch action {
            case .openConnection(let c, let key):
                openedConnections += 1
                connectionQueue[c] = key
                openNow[key, default: 0] += 1
                maxOpen[key] = max(maxOpen[key] ?? 0, openNow[key] ?? 0)
                if let failure = connectOutcome(key, now) {
                    schedule(.failed(c, failure), after: connectLatency)
                } else {
                    schedule(.opened(c), after: connectLatency)
                }
            case .startTransaction(let tx):
                started.append((now, tx))
                let source = engine.sourceIndex(of: tx.connection) ?? -1
                startedSources.append(source)
                messagesOnConnection[tx.connection, default: 0] += 1
                let replies = answerBySource.map { $0(tx, source, now) } ?? answer(tx, now)
                schedule(.completed(tx.id, replies), after: transactionLatency)
            case .closeConnection(let c):
                if let key = connectionQueue.removeValue(forKey: c) { openNow[key, default: 0] -= 1 }
            case .record(let r):
                records.append(r)
            case .messageFinished(let id, _):
                finishedMessages.append(id)
            case .controlAdded, .controlRemoved:
                controlEvents.append(action)
            case .sourceDisabled, .sourceEnabled:
                sourceEvents.append(action)
            case .requestGrants, .acquireLease, .releaseLease:
                fleetRequests.append(action)
            }
        }
    }

    private mutating func schedule(_ event: IOEvent, after latency: TimeSpan) {
        let time = now.milliseconds + latency.milliseconds
        seq += 1
        let index = pending.firstIndex { ($0.time, $0.seq) > (time, seq) } ?? pending.count
        pending.insert((time, seq, event), at: index)
    }

    // Helpers for assertions.

    func started(in domain: String) -> [(time: Instant, tx: Transaction)] { started.filter { $0.tx.queue.domain == domain } }

    func records(_ outcome: DeliveryRecord.Outcome) -> [DeliveryRecord] { records.filter { $0.outcome == outcome } }

    /// Messages started per whole second, for the queues of a domain.
    func perSecond(_ domain: String) -> [Int64: Int] {
        var buckets: [Int64: Int] = [:]
        for s in started(in: domain) { buckets[s.time.milliseconds / 1000, default: 0] += 1 }
        return buckets
    }
}

/// Settings from directive pairs with a config-file origin (so origins can be checked).
func settings(_ pairs: [(String, String)], file: String = "test.conf", line: Int = 1) throws -> DomainSettings {
    try StaticEngineConfiguration.settings(pairs, origin: .config(SourceLocation(file: file, line: line, column: 1)))
}

extension Instant {
    static func seconds(_ s: Int64) -> Instant { Instant(milliseconds: s * 1000) }
    static func minutes(_ m: Int64) -> Instant { .seconds(m * 60) }
    static func hours(_ h: Int64) -> Instant { .seconds(h * 3600) }
}

extension DeliveryEngine {
    /// Recomputes every count the engine keeps incrementally and returns the mismatches.
    func invariantViolations() -> [String] {
        var problems: [String] = []
        var queued = Array(repeating: 0, count: queues.count)
        var inFlight = queued, deferred = queued
        var jobPending: [String: Int] = [:]
        for record in messages where record.live {
            var pending: Int32 = 0
            defer { if let job = record.message.jobID { jobPending[job, default: 0] += Int(pending) } }
            for r in record.recipients {
                switch r.phase {
                case .queued: queued[Int(r.queue)] += 1; pending += 1
                case .deferred: queued[Int(r.queue)] += 1; deferred[Int(r.queue)] += 1; pending += 1
                case .inFlight: inFlight[Int(r.queue)] += 1; pending += 1
                default: break
                }
            }
            if pending != record.pending { problems.append("message \(record.message.id): pending \(record.pending), counted \(pending)") }
        }
        var open = Array(repeating: 0, count: queues.count)
        for (_, c) in connections { open[Int(c.queue)] += 1 }
        for (i, q) in queues.enumerated() {
            if q.queued != queued[i] { problems.append("\(q.key): queued \(q.queued), counted \(queued[i])") }
            if q.inFlight != inFlight[i] { problems.append("\(q.key): inFlight \(q.inFlight), counted \(inFlight[i])") }
            if q.deferred != deferred[i] { problems.append("\(q.key): deferred \(q.deferred), counted \(deferred[i])") }
            if q.open != open[i] { problems.append("\(q.key): open \(q.open), counted \(open[i])") }
            if q.open > q.connectionLimit, q.idle.count > 0 { problems.append("\(q.key): idle connections above the limit") }
            let disabled = q.disabledUntil.filter { $0 != 0 }.count
            if q.disabledCount != disabled { problems.append("\(q.key): disabledCount \(q.disabledCount), counted \(disabled)") }
            if disabled != queueInfo[i].disabledSources.count { problems.append("\(q.key): disabled sources not all described") }
            if q.idle.contains(where: { connections[$0].map { q.isDisabled(source: $0.source) } ?? false }) {
                problems.append("\(q.key): an idle connection from a disabled source")
            }
        }
        for (job, ledger) in jobs where ledger.pending != jobPending[job, default: 0] {
            problems.append("job \(job): pending \(ledger.pending), counted \(jobPending[job, default: 0])")
        }
        if totalConnections != connections.count { problems.append("total connections \(totalConnections) vs \(connections.count)") }
        return problems
    }
}

extension ControlCommand {
    /// A live override of one throttle directive (not persisted).
    static func throttle(_ target: ControlTarget, directive: String, value: String) -> ControlCommand {
        .setThrottle(target: target, settings: [ThrottleSetting(directive: directive, value: value)], persist: false)
    }
}
