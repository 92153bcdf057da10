import SluiceConfig
import SluiceControlProtocol
import SluiceControlServer
import SluiceCore

/// The control plane's view of the node: snapshots from the core, commands applied to it.
extension MailNode: ControlledNode {
    /// The current figures.
    public func snapshot() async -> NodeSnapshot {
        let now = self.now
        let snapshot = NodeSnapshotBuilder(core: core, inbound: servers.inboundGate?.statistics, uptime: (now - startedAt).seconds,
                                           spool: spool, spoolDirectory: spoolDirectory, now: now).build()
        var annotated = reputation.read { $0.annotated(snapshot, at: now) }
        annotated.status.fleet = fleetStatus.map(FleetStatus.figures)
        annotated.jobs = NodeSnapshotBuilder.jobs(core.engine, now: now)
        annotated.patterns = core.replyPatterns.summaries(at: now, limit: NodeSnapshotBuilder.patternRows).map(NodeSnapshotBuilder.row)
        return blocklist?.annotated(annotated) ?? annotated
    }

    /// The effective settings of a queue (live overrides included) or of a domain.
    public func settings(for target: ControlTarget) async throws -> SettingsSnapshot {
        var snapshot = try core.settings(for: target, now: now)
        // A queue's own figures; a domain's summed over its queues, its signing described for the
        // first of them (as its settings are).
        let keys: [QueueKey]
        switch target {
        case .queue(let key): keys = [key]
        case .domain(let domain):
            let queues = core.engine.queueKeys.filter { $0.domain == domain }
            keys = queues.isEmpty ? [QueueKey(domain: domain, vmta: "default")] : queues
        case .vmta, .job: keys = []
        }
        if let first = keys.first {
            let stats = keys.compactMap { core.dkimStats[$0] }
            let settings = core.configuration.effectiveSettings(domain: first.domain, vmta: first.vmta)
            snapshot.dkim = SettingsSnapshot.DKIMStatus(
                signing: dkim.context.keyring.describeSigning(settings: settings, vmta: first.vmta),
                signed: stats.reduce(0) { $0 + $1.signed }, unsigned: stats.reduce(0) { $0 + $1.unsigned },
                lastKey: stats.last { !$0.lastKey.isEmpty }?.lastKey ?? "",
                lastMissing: stats.last { !$0.lastMissing.isEmpty }?.lastMissing ?? "")
        }
        let now = self.now
        switch target {
        case .domain(let domain): snapshot.reputation = reputation.read { $0.detail(domain: domain, vmta: nil, at: now) }
        case .queue(let key): snapshot.reputation = reputation.read { $0.detail(domain: key.domain, vmta: key.vmta, at: now) }
        case .vmta, .job: break
        }
        return snapshot
    }

    /// What a reply rule with `pattern` would have matched among the replies of the last hour,
    /// against the pattern lists in force per queue; matched off the node's actor, so that
    /// deliveries and other commands go on meanwhile.
    public func replyRuleDryRun(pattern: String) async throws -> ReplyRuleDryRunResult {
        let input = core.dryRunInput(now: now)
        return try await Task.detached {
            try NodeCore.replyRuleDryRun(pattern: pattern, over: input.replies, lists: input.lists)
        }.value
    }

    /// The history's frame of `minute`, or of the latest minute before it.
    public func historyFrame(atOrBefore minute: Int64) async -> HistoryFrame? {
        history.book.frame(atOrBefore: minute)
    }

    /// The named domain's, vmta's or job's minutes of the last 24 hours (up to the last recorded).
    public func historySeries(_ kind: HistoryKind, _ name: String) async -> [HistoryPoint] {
        let until = history.lastMinute
        return history.book.series(kind, name, since: until - HistoryBook.minutesKept + 1, until: until)
    }

    /// The newest events passing `filter`, oldest first.
    public func recentEvents(matching filter: EventFilter) async -> [EventRecord] {
        core.recent.recent(matching: filter)
    }

    /// Recipients bounced or expired since start, per category.
    public func bouncesByCategory() async -> [String: Int] { core.bouncesByCategory }

    /// Applies an operator command to the engine; lasting controls are persisted in the spool
    /// (or, for a `--persist` throttle, in the override file, whose throttles the engine then
    /// takes as data). Cancelling a `--persist` control first removes its lines from the override
    /// file and hands the engine the rest, so neither the queues nor a restart bring it back. With a
    /// `<cluster>` block, a hold, pause, throttle override, mode switch or schedule, and the end of
    /// a control, is then shared with the fleet (``shareWithFleet(_:context:controlsBefore:)``).
    public func execute(_ command: ControlCommand, context: CommandContext) async throws -> CommandOutcome {
        if case .reload = command { return try reload() }
        if let lines = core.overrideLines(cancelledBy: command) {
            try persistedOverrides.remove(lines.target, directives: [lines.directive])
            perform(core.setPersistedThrottles(persistedOverrides.throttles, now: now))
        }
        let controlsBefore = cluster == nil ? [] : core.engine.activeControls  // Only the fleet needs them.
        let (done, effects) = try core.execute(command, context: context, now: now)
        var outcome = done
        perform(effects)
        if case .setThrottle(let target, let settings, true) = command {
            do { try persistedOverrides.set(target, settings, context: context) } catch {
                throw ControlError(error.code, "applied live but not persisted: \(error.message)")
            }
            perform(core.setPersistedThrottles(persistedOverrides.throttles, now: now))
        }
        if let note = await shareWithFleet(command, context: context, controlsBefore: controlsBefore) {
            outcome.message += " (\(note))"
        }
        return outcome
    }

    /// Re-reads the configuration file and the override file and hands them to the engine (queues,
    /// throttles, patterns, `queue-to` and `<mx-rollup-list>` for mail admitted from now on;
    /// `<suppression>` settings for the next recipient;
    /// listeners and sources keep their start-up values), and re-reads the DKIM key files (a
    /// rotated key signs the mail received from then on; queued mail keeps its signature).
    /// Queue contents and operator controls are kept. A configuration, key or override file with
    /// errors is refused with the diagnostic, and the running configuration stays.
    func reload() throws -> CommandOutcome {
        guard let path = options.configurationPath else {
            throw ControlError(.refused, "this node was not started from a configuration file")
        }
        let loaded = ConfigLoader.load(path: path)
        if let error = loaded.errors.first {
            throw ControlError(.refused, "configuration not reloaded: \(error)")
        }
        let (keyring, keyFindings) = DKIMKeyring.load(loaded.model)
        if let error = keyFindings.first(where: { $0.severity == .error }) {
            throw ControlError(.refused, "configuration not reloaded: \(error)")
        }
        try persistedOverrides.reload()
        do { try suppression.reload(loaded.model.suppression) } catch {
            throw ControlError(.refused, "configuration not reloaded: \(error)")
        }
        dkim.replace(with: DKIMSigningContext(configuration: loaded.model, keyring: keyring))
        recipientGate.reload(loaded.model)
        let (reports, model) = (inboundReports, loaded.model)
        Task { await reports.reload(model) }
        perform(core.reload(loaded.model, now: now))
        perform(core.setPersistedThrottles(persistedOverrides.throttles, now: now))
        let warnings = loaded.warnings.count + keyFindings.count { $0.severity == .warning }
        return CommandOutcome(message: "reloaded \(path) (\(warnings) warning(s))")
    }
}
