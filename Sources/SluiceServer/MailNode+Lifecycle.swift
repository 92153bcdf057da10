import ServiceLifecycle
import SluiceConfig
import SluiceCore
import SluiceSpool

extension MailNode {
    /// Opens the spool, restores queued messages and operator controls, starts the SMTP
    /// listeners, the control socket and (when configured) the HTTP management API, and runs them
    /// with the delivery loop as one service group (see ``shutdown()``, ``NodeOptions/shutdownSignals``).
    ///
    /// - Throws: ``NodeStartError``; whatever had started is stopped again.
    public static func start(configuration: ConfigModel, options: NodeOptions = NodeOptions()) async throws -> MailNode {
        let startup = try await NodeStartup.open(configuration: configuration, options: options)
        let node = MailNode(configuration: configuration, startup: startup)
        node.suppression.start()
        await node.startFleet()
        await node.inboundReports.start(
            recorder: { [weak node] records, events in await node?.recordInboundReport(records, events) },
            forwarder: { [weak node] content, recipients, vmta in
                await node?.deliverReportCopy(content, to: recipients, virtualMTA: vmta) ?? false
            })
        await node.restore(SpoolRecovery.read(startup.recovery, spool: startup.spool, now: startup.options.clock.now(),
                                              headerNames: node.accountingHeaderNames, log: startup.options.log),
                           pending: startup.recovery.pendingRecipients)
        await node.startFleetActions()
        await node.loadHistory()
        try await node.startServices(NodeServers.Context(
            configuration: configuration, options: startup.options, hostName: node.hostName,
            spoolDirectory: startup.spoolDirectory,
            receiver: NodeReceiver(node: node, spool: startup.spool, configuration: configuration, log: startup.options.log),
            controlService: node.controlService, descriptors: startup.descriptors))
        await node.startBlocklistWatch()
        return node
    }

    /// Runs the delivery loop as a service group (which traps ``NodeOptions/shutdownSignals``
    /// before it starts a service), then starts the listeners and adds them to the group: a
    /// graceful shutdown stops services in reverse order, so the SMTP listeners close first, then
    /// the control socket and the HTTP API, and delivery finishes last.
    private func startServices(_ context: NodeServers.Context) async throws {
        let (started, didStart) = AsyncStream.makeStream(of: Void.self)
        let group = ServiceGroup(services: [DeliveryService(node: self, started: didStart)],
                                 gracefulShutdownSignals: options.shutdownSignals, logger: options.logger)
        let logger = options.logger
        services = (group, Task {
            do { try await group.run() } catch { logger.error("services: \(error)") }
            didStart.finish()
        })
        for await _ in started { break }
        do { servers = try await NodeServers.start(context) } catch {
            await shutdown()
            throw error
        }
        for service in servers.services(log: options.log) { await group.addServiceUnlessShutdown(service) }
    }

    /// Brings back the spool's controls and messages (their recipient domains assigned their
    /// rollups first, when the configuration has an `<mx-rollup-list>`).
    func restore(_ recovery: SpoolRecovery, pending: Int) async {
        await assignRollups(forRecipients: recovery.pendingAddresses)
        let (effects, restored, refused) = core.restore(recovery, now: now)
        perform(effects)
        for (id, error) in refused { log("spool: message \(id) not restored: \(error)") }
        log("started: \(restored) message(s), \(pending) recipient(s) queued from \(spoolDirectory)")
    }

    /// Stops gracefully through the service group: stops accepting mail and commands, lets
    /// transactions in flight finish (up to ``NodeOptions/shutdownGrace``; the rest are retried
    /// after a restart), sends QUIT on open delivery connections, writes the last progress and
    /// closes the spool. Returns once all that is done; calling it again waits the same way.
    public func shutdown() async {
        await services?.group.triggerGracefulShutdown()
        await stopped()
    }

    /// Returns once the node has stopped (after ``shutdown()`` or one of
    /// ``NodeOptions/shutdownSignals``).
    public func stopped() async {
        await services?.run.value
    }

    /// The end of delivery (``DeliveryService``, after the listeners closed): waits for the
    /// transactions in flight, closes delivery connections, flushes progress and accounting,
    /// closes the spool. A listener still open (started while a shutdown began) is closed first.
    func finishDelivery() async {
        guard !core.stopping else { return }
        core.stop()
        wakeup?.sleep.cancel()
        stopBlocklistWatch()
        await servers.close()
        await waitForTransactions(until: now + options.shutdownGrace)
        if !core.running.isEmpty { log("shutdown: \(core.running.count) transaction(s) still in flight are left for the next start") }
        let open = core.releaseConnections()
        await withTaskGroup(of: Void.self) { group in
            for handle in open { group.addTask { await self.transport.quit(handle) } }
        }
        await waitForDSNs()
        await inboundReports.waitUntilIdle()
        sentMessages.flushNow()
        await records.progress.flush(giveUpOnFailure: true)
        core.noteComplaints(warmupComplaints.drain(), now: now)
        perform(core.warmupSave(now: now, force: true))
        do { try records.accounting.close(now: now) } catch { log("accounting: \(error)") }
        await suppression.close()
        await stopFleet()
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

    /// Wakes ``finishDelivery()``'s wait for transactions in flight.
    func transactionsDrained() {
        for waiter in drainWaiters { waiter.resume() }
        drainWaiters = []
    }
}
