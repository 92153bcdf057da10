import SluiceConfig
import SluiceControlProtocol
import SluiceControlServer
import SluiceCore

/// The control plane's view of the node: snapshots from the engine, commands applied to it.
extension MailNode: ControlledNode {
    /// The current figures.
    public func snapshot() async -> NodeSnapshot {
        NodeSnapshotBuilder(node: self, now: now).build()
    }

    /// The effective settings of a queue (live overrides included) or of a domain.
    public func settings(for target: ControlTarget) async throws -> SettingsSnapshot {
        let key: QueueKey
        switch target {
        case .queue(let queue):
            guard configuration.virtualMTANames.contains(queue.vmta) else {
                throw ControlError(.unknownQueue, "no virtual MTA '\(queue.vmta)' for queue \(queue)")
            }
            key = queue
        case .domain(let domain):
            key = engine.queueKeys.first { $0.domain == domain } ?? QueueKey(domain: domain, vmta: "default")
        case .vmta(let vmta):
            throw ControlError(.usage, "settings are per domain or queue, not per virtual MTA ('\(vmta)')")
        }
        let settings = engine.settings(for: key)
        return SettingsSnapshot(queue: target.name, settings: settings, history: deliveredHistory(of: target),
                                recipients: queuedRecipients(of: target))
    }

    /// The newest events passing `filter`, oldest first.
    public func recentEvents(matching filter: EventFilter) async -> [EventRecord] {
        recent.recent(matching: filter)
    }

    /// Recipients bounced or expired since start, per category.
    public func bouncesByCategory() async -> [String: Int] { bouncesByCategory }

    /// Applies an operator command to the engine; lasting controls are persisted in the spool
    /// (or, for a `--persist` throttle, in the override file, whose throttles the engine then
    /// takes as data).
    public func execute(_ command: ControlCommand, context: CommandContext) async throws -> CommandOutcome {
        let request = ControlRequest(
            who: context.actor.description, why: context.reason,
            duration: context.expiresAt.map { TimeSpan(milliseconds: Int64((($0 - context.issuedAt) * 1000).rounded())) },
            client: context.actor.label)
        if case .reload = command { return try reload() }
        if case .cancelControl(let text) = command, let id = ControlCommand.controlNumber(text) {
            try removeFromOverrideFile(id)
        }
        var persisted: (ControlTarget, [ThrottleSetting])?
        if case .setThrottle(let target, let settings, true) = command { persisted = (target, settings) }
        let actions = try engine.apply(command, by: request, now: now)
        var created: [Control] = []
        for case .controlAdded(let control) in actions {
            created.append(control)
            if persisted != nil { fileBackedControls.insert(control.id) }
        }
        perform(actions)
        if let (target, settings) = persisted {
            do { try persistedOverrides.set(target, settings, context: context) } catch {
                throw ControlError(error.code, "applied live but not persisted: \(error.message)")
            }
            perform(engine.setPersistedThrottles(persistedOverrides.throttles, now: now))
        }
        return CommandOutcome(message: outcomeMessage(command), control: created.last.map(Self.info))
    }

    /// Before control `id` is cancelled: when it was set with `--persist`, removes its lines from
    /// the override file and hands the engine the rest, so neither the queues nor a restart bring
    /// it back.
    func removeFromOverrideFile(_ id: UInt64) throws {
        guard fileBackedControls.contains(id),
              let control = engine.activeControls.first(where: { $0.id == id }),
              case .throttle(let target, let directive, _) = control.kind else { return }
        try persistedOverrides.remove(target, directives: [directive])
        perform(engine.setPersistedThrottles(persistedOverrides.throttles, now: now))
    }

    /// Re-reads the configuration file and the override file and hands them to the engine (queues,
    /// throttles, patterns, `queue-to` and `<mx-rollup-list>` for mail admitted from now on;
    /// listeners and sources keep their start-up values). Queue contents and operator controls
    /// are kept. A configuration or override file with errors is refused with
    /// the diagnostic, and the running configuration stays.
    func reload() throws -> CommandOutcome {
        guard let path = options.configurationPath else {
            throw ControlError(.refused, "this node was not started from a configuration file")
        }
        let loaded = ConfigLoader.load(path: path)
        if let error = loaded.errors.first {
            throw ControlError(.refused, "configuration not reloaded: \(error)")
        }
        try persistedOverrides.reload()
        configuration = loaded.model
        rollupTable = loaded.model.mxRollupTable
        perform(engine.reload(loaded.model, now: now))
        perform(engine.setPersistedThrottles(persistedOverrides.throttles, now: now))
        return CommandOutcome(message: "reloaded \(path) (\(loaded.warnings.count) warning(s))")
    }

    func outcomeMessage(_ command: ControlCommand) -> String {
        switch command {
        case .hold(let domain):
            let queued = engine.queueSnapshots(now: now).filter { $0.key.domain == domain }.reduce(0) { $0 + $1.queued }
            return "held \(domain) (\(queued) recipient(s) queued)"
        case .release(let domain): return "released \(domain)"
        default: return "done: \(command)"
        }
    }

    /// The control-plane form of an engine control.
    static func info(_ control: Control) -> ControlInfo {
        let kind: ControlInfo.Kind, detail: String
        switch control.kind {
        case .hold: (kind, detail) = (.hold, "held")
        case .pause: (kind, detail) = (.pause, "paused")
        case .throttle(_, let directive, let value): (kind, detail) = (.throttle, "\(directive)=\(value)")
        }
        return ControlInfo(id: String(control.id), kind: kind, target: control.kind.target.name, detail: detail, who: control.who,
                           why: control.why, createdAt: Double(control.createdAt.milliseconds) / 1000,
                           expiresAt: control.expiresAt.map { Double($0.milliseconds) / 1000 })
    }
}
