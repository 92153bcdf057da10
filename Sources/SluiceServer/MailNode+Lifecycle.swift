import Foundation
import SluiceConfig
import SluiceCore
import SluiceSpool

extension MailNode {
    /// Opens the spool, restores queued messages and operator controls, and starts the SMTP
    /// listeners, the control socket and (when configured) the HTTP management API.
    ///
    /// - Throws: ``NodeStartError``; whatever had started is stopped again.
    public static func start(configuration: ConfigModel, options: NodeOptions = NodeOptions()) async throws -> MailNode {
        let startup = try await NodeStartup.open(configuration: configuration, options: options)
        let node = MailNode(configuration: configuration, startup: startup)
        await node.restore(startup.recovery)
        do {
            try await node.startServers(NodeServers.Context(
                configuration: configuration, options: startup.options, hostName: node.hostName,
                spoolDirectory: startup.spoolDirectory,
                receiver: NodeReceiver(node: node, spool: startup.spool, configuration: configuration, log: startup.options.log),
                controlService: node.controlService, descriptors: startup.descriptors))
        } catch {
            await node.shutdown()
            throw error
        }
        return node
    }

    private func startServers(_ context: NodeServers.Context) async throws {
        servers = try await NodeServers.start(context)
    }

    /// Re-installs persisted controls (first, so that a hold applies before anything is sent),
    /// then the spooled messages with their recipients' progress (their recipient domains
    /// assigned their rollups first, when the configuration has an `<mx-rollup-list>`).
    func restore(_ report: RecoveryReport) async {
        do {
            let time = now
            let (controls, warnings) = try spool.loadControls(now: time)
            for warning in warnings { log("spool: \(warning)") }
            for stored in controls {
                do {
                    perform(core.restore(try JSONDecoder().decode(Control.self, from: stored.data), now: time))
                } catch {
                    log("spool: control \(stored.id) is unreadable and was skipped: \(error)")
                }
            }
        } catch {
            log("spool: could not load operator controls: \(error)")
        }
        await assignRollups(forRecipients: report.messages.lazy.flatMap { recovered in
            zip(recovered.message.recipients, recovered.recipients).lazy.filter { !$0.1.isDone }.map(\.0)
        })
        let time = now
        var restored = 0
        for recovered in report.messages {
            let recipients = recovered.recipients.map {
                RestoredRecipient(isFinal: $0.isDone, attempts: $0.attempts, nextAttempt: $0.nextAttempt)
            }
            do {
                perform(try core.restore(recovered.message, recipients: recipients,
                                         headers: accountingHeaders(of: recovered.message.id), now: time))
                restored += 1
            } catch {
                log("spool: message \(recovered.message.id) not restored: \(error)")
            }
        }
        log("started: \(restored) message(s), \(report.pendingRecipients) recipient(s) queued from \(spoolDirectory)")
    }

    /// The `header_NAME` values of a message restored from the spool (only when an accounting
    /// file records headers); a message whose content cannot be read has none.
    private func accountingHeaders(of id: MessageID) -> [String: String]? {
        guard !accountingHeaderNames.isEmpty else { return nil }
        do {
            return AccountingHeaders.values(named: accountingHeaderNames, in: try spool.content(of: id))
        } catch {
            log("spool: headers of message \(id) for accounting not read: \(error)")
            return nil
        }
    }

    /// Stops gracefully: stops accepting mail and commands, lets transactions in flight finish
    /// (up to ``NodeOptions/shutdownGrace``; the rest are retried after a restart), sends QUIT on
    /// open delivery connections, writes the last progress and closes the spool. Calling it again
    /// returns at once.
    public func shutdown() async {
        guard !core.stopping else { return }
        core.stop()
        timer.task?.cancel()
        timer.task = nil
        await servers.close()
        await waitForTransactions(until: now + options.shutdownGrace)
        if !core.running.isEmpty { log("shutdown: \(core.running.count) transaction(s) still in flight are left for the next start") }
        let open = core.releaseConnections()
        await withTaskGroup(of: Void.self) { group in
            for handle in open { group.addTask { await self.transport.quit(handle) } }
        }
        await progress.flush(giveUpOnFailure: true)
        do { try accounting.close(now: now) } catch { log("accounting: \(error)") }
        await spool.close()
        log("stopped")
    }

    /// Returns once no transaction is in flight, or at `deadline` on the node's clock.
    private func waitForTransactions(until deadline: Instant) async {
        guard !core.running.isEmpty else { return }
        let clock = options.clock
        let timeout = Task { [weak self] in
            try? await clock.sleep(until: deadline)
            await self?.transactionsDrained()
        }
        await withCheckedContinuation { drainWaiters.append($0) }
        timeout.cancel()
    }

    /// Wakes ``shutdown()``'s wait for transactions in flight.
    func transactionsDrained() {
        for waiter in drainWaiters { waiter.resume() }
        drainWaiters = []
    }
}
