import SluiceCore
import SluiceDNS
import SluiceSMTP

extension NodeCore {
    /// What became of a transaction the engine started.
    enum Start: Hashable, Sendable {
        /// To be sent on the connection.
        case send(DeliveryHandle)
        /// Answered at once (a DNS verdict, a connection not open): the engine's follow-up actions.
        case answered([EngineAction])
        /// Shutting down: left in flight, restored from the spool on restart.
        case leftInFlight
    }

    // MARK: - Delivery results

    /// The outcome of an ``NodeEffect/openConnection(_:_:)``. A connection the engine no longer
    /// wants (closed while connecting, or shutting down) is closed again.
    mutating func connected(_ id: ConnectionID, _ outcome: ConnectOutcome, now: Instant) -> [NodeEffect] {
        guard case .connecting = links[id] else {
            if case .connected(let handle, _) = outcome { return [.closeConnection(handle)] }
            return []
        }
        switch outcome {
        case .connected(let handle, let target):
            links[id] = .open(handle, target)
            return effects(of: engine.connectionOpened(id, now: now), now: now)
        case .verdict(let reply):
            links[id] = .verdict(reply)
            return effects(of: engine.connectionOpened(id, now: now), now: now)
        case .failed(let failure):
            links[id] = nil
            // A refusal at connection level (421 at the greeting, TSS04) defers no recipient but
            // is the provider's reply all the same: the Patterns view counts it as a deferral.
            if let queue = engine.queueKey(ofConnection: id), !failure.reply.dsnDiag.isEmpty {
                replyPatterns.record(failure.reply.dsnDiag, outcome: .deferred, queue: queue, at: now)
            }
            return effects(of: engine.connectionFailed(id, failure, now: now), now: now)
        }
    }

    /// A transaction's replies arrived (or the connection broke). A 421 marks its host
    /// unavailable when the queue says so; a connection not reusable is forgotten.
    mutating func transactionFinished(_ id: TransactionID, _ outcome: TransactionOutcome, now: Instant) -> [NodeEffect] {
        guard let run = running.removeValue(forKey: id) else { return [] }
        let replies = outcome.recipients.map(\.reply)
        if replies.contains(where: { $0.code == 421 }) { noteUnavailable(run.target, queue: run.transaction.queue, now: now) }
        if !outcome.connectionReusable { links[run.transaction.connection] = nil }
        return effects(of: engine.transactionCompleted(id, replies: replies, connectionReusable: outcome.connectionReusable,
                                                       now: now),
                       destination: run.target, source: run.source, dsnPassedOn: outcome.dsnPassedOn, now: now)
    }

    /// The source address the transaction's connection sends from (its vmta's `smtp-source-host`
    /// in use), nil for the node's own address.
    func sourceAddress(of transaction: Transaction) -> String? {
        let hosts = configuration.virtualMTAs[transaction.queue.vmta]?.sourceHosts ?? []
        let index = engine.sourceIndex(of: transaction.connection) ?? 0
        return (hosts.indices.contains(index) ? hosts[index] : hosts.first)?.address.description
    }

    /// The outcome standing for a transaction whose content could not be read from the spool:
    /// every recipient deferred, the connection kept.
    static func contentUnavailable(_ transaction: Transaction, because error: any Error) -> TransactionOutcome {
        let reply = SMTPReply(451, "4.3.0", "message content unavailable: \(error)")
        return .assemble(addresses: transaction.recipients, mail: reply, rcpts: [], data: nil, final: nil,
                         interruption: reply, connectionReusable: true)
    }

    // MARK: - Engine actions

    /// Tracks a connection the engine asked for and returns its plan (nil when shutting down).
    mutating func open(_ id: ConnectionID, for key: QueueKey, now: Instant) -> ConnectionPlan? {
        guard !stopping else { return nil }
        links[id] = .connecting
        var plan = ConnectionPlan(key: key, destination: engine.destinationDomain(of: key),
                                  settings: engine.settings(for: key),
                                  vmta: configuration.virtualMTAs[key.vmta], source: engine.sourceIndex(of: id) ?? 0,
                                  hostName: hostName)
        if let hosts = unavailableHosts[key] {
            let current = hosts.filter { $0.value > now }
            unavailableHosts[key] = current.isEmpty ? nil : current
            plan.unavailable = Set(current.keys)
        }
        return plan
    }

    /// Starts a transaction on its connection.
    mutating func start(_ transaction: Transaction, now: Instant) -> Start {
        switch links[transaction.connection] {
        case .open(let handle, let target):
            guard !stopping else { return .leftInFlight }
            running[transaction.id] = RunningTransaction(transaction: transaction, target: target,
                                                         source: sourceAddress(of: transaction))
            return .send(handle)
        case .verdict(let reply):
            return .answered(engine.transactionCompleted(transaction.id, replies: [reply], connectionReusable: true, now: now))
        case .connecting, nil:
            return .answered(engine.transactionFailed(
                transaction.id, .badConnection("connection \(transaction.connection) is not open"), now: now))
        }
    }

    /// Forgets a connection the engine no longer uses; returns its handle when it is open.
    mutating func close(_ id: ConnectionID) -> DeliveryHandle? {
        guard case .open(let handle, _) = links.removeValue(forKey: id) else { return nil }
        return handle
    }

    /// `smtp-421-means-mx-unavailable yes`: the host that said 421 is tried last by the queue's
    /// connections for twice the longest interval of the queue's `retry-after` schedule, so every
    /// retry of the recipients the 421 deferred, whichever step of the schedule it is on, goes to
    /// the next MX first (a mark of one interval lapsed just as the first retry opened its
    /// connection). It only reorders: with no other host, the marked one is still tried.
    mutating func noteUnavailable(_ target: DeliveryTarget, queue: QueueKey, now: Instant) {
        let settings = engine.settings(for: queue)
        guard settings.smtp421MeansMXUnavailable.value else { return }
        let longest = settings.retryAfter.value.delay(afterFailedAttempts: .max)
        unavailableHosts[queue, default: [:]][target.address] = now + longest + longest
    }
}
