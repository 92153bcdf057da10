import SluiceConfig
import SluiceCore
import SluiceDNS
import SluiceSMTP

extension MailNode {
    /// Starts resolving and connecting for `key`; reports back with ``connected(_:_:)``.
    func open(_ id: ConnectionID, for key: QueueKey) {
        guard !stopping else { return }
        links[id] = .connecting
        var plan = ConnectionPlan(key: key, destination: engine.destinationDomain(of: key),
                                  settings: engine.settings(for: key),
                                  vmta: configuration.virtualMTAs[key.vmta], hostName: hostName)
        if let hosts = unavailableHosts[key] {
            let time = now
            let current = hosts.filter { $0.value > time }
            unavailableHosts[key] = current.isEmpty ? nil : current
            plan.unavailable = Set(current.keys)
        }
        let connector = self.connector
        Task.detached {
            let outcome = await connector.connect(plan)
            await self.connected(id, outcome)
        }
    }

    /// The outcome of ``open(_:for:)``.
    func connected(_ id: ConnectionID, _ outcome: ConnectOutcome) {
        guard case .connecting = links[id] else {
            // The engine no longer wants it (closed while connecting, or shutting down).
            if case .connected(let connection, _) = outcome { Task { await connection.quit() } }
            return
        }
        switch outcome {
        case .connected(let connection, let target):
            links[id] = .open(connection, target)
            perform(engine.connectionOpened(id, now: now))
        case .verdict(let reply):
            links[id] = .verdict(reply)
            perform(engine.connectionOpened(id, now: now))
        case .failed(let failure):
            links[id] = nil
            perform(engine.connectionFailed(id, failure, now: now))
        }
    }

    /// Sends a transaction; returns the engine's actions when the answer is known at once.
    func start(_ transaction: Transaction) -> [EngineAction]? {
        switch links[transaction.connection] {
        case .open(let connection, let target):
            guard !stopping else { return nil }  // Left in flight: restored from the spool on restart.
            running[transaction.id] = transaction
            let spool = self.spool
            // Detached: reading the content and talking to the peer happen off the node.
            Task.detached {
                let outcome: TransactionOutcome
                do {
                    let content = try spool.content(of: transaction.messageID)
                    outcome = await connection.send(OutboundTransaction(
                        sender: transaction.sender,
                        recipients: transaction.recipients.map { OutboundTransaction.Recipient(address: $0) },
                        content: content))
                } catch {
                    let reply = SMTPReply(451, "4.3.0", "message content unavailable: \(error)")
                    outcome = .assemble(addresses: transaction.recipients, mail: reply, rcpts: [], data: nil, final: nil,
                                        interruption: reply, connectionReusable: true)
                }
                await self.finished(transaction, outcome, target: target)
            }
            return nil
        case .verdict(let reply):
            return engine.transactionCompleted(transaction.id, replies: [reply], connectionReusable: true, now: now)
        case .connecting, nil:
            return engine.transactionFailed(transaction.id, .badConnection("connection \(transaction.connection) is not open"),
                                             now: now)
        }
    }

    /// A transaction's replies arrived (or the connection broke).
    func finished(_ transaction: Transaction, _ outcome: TransactionOutcome, target: DeliveryTarget) {
        running[transaction.id] = nil
        let replies = outcome.recipients.map(\.reply)
        if replies.contains(where: { $0.code == 421 }) { noteUnavailable(target, queue: transaction.queue) }
        if !outcome.connectionReusable { links[transaction.connection] = nil }
        perform(engine.transactionCompleted(transaction.id, replies: replies, connectionReusable: outcome.connectionReusable,
                                            now: now),
                destination: target)
    }

    /// `smtp-421-means-mx-unavailable yes`: the host that said 421 is tried last by the queue's
    /// connections for twice the longest interval of the queue's `retry-after` schedule, so every
    /// retry of the recipients the 421 deferred, whichever step of the schedule it is on, goes to
    /// the next MX first (a mark of one interval lapsed just as the first retry opened its
    /// connection). It only reorders: with no other host, the marked one is still tried.
    func noteUnavailable(_ target: DeliveryTarget, queue: QueueKey) {
        let settings = engine.settings(for: queue)
        guard settings.smtp421MeansMXUnavailable.value else { return }
        let longest = settings.retryAfter.value.delay(afterFailedAttempts: .max)
        unavailableHosts[queue, default: [:]][target.address] = now + longest + longest
    }

    /// Ends a connection the engine no longer uses.
    func close(_ id: ConnectionID) {
        guard let link = links.removeValue(forKey: id) else { return }
        if case .open(let connection, _) = link { Task { await connection.quit() } }
    }
}
