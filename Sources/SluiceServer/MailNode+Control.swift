import SluiceConfig
import SluiceControlProtocol
import SluiceControlServer
import SluiceCore

/// The control plane's view of the node: snapshots from the core, commands applied to it.
extension MailNode: ControlledNode {
    /// The current figures.
    public func snapshot() async -> NodeSnapshot {
        NodeSnapshotBuilder(core: core, inbound: servers.inboundGate?.statistics, uptime: (now - startedAt).seconds,
                            spool: spool, spoolDirectory: spoolDirectory, now: now).build()
    }

    /// The effective settings of a queue (live overrides included) or of a domain.
    public func settings(for target: ControlTarget) async throws -> SettingsSnapshot {
        try core.settings(for: target, now: now)
    }

    /// The newest events passing `filter`, oldest first.
    public func recentEvents(matching filter: EventFilter) async -> [EventRecord] {
        core.recent.recent(matching: filter)
    }

    /// Recipients bounced or expired since start, per category.
    public func bouncesByCategory() async -> [String: Int] { core.bouncesByCategory }

    /// Applies an operator command to the engine; lasting controls are persisted in the spool
    /// (or, for a `--persist` throttle, by the control service in the override file). Cancelling
    /// a `--persist` control first removes its lines from the override file, so the queues'
    /// refresh no longer finds them and a restart does not bring them back.
    public func execute(_ command: ControlCommand, context: CommandContext) async throws -> CommandOutcome {
        if case .reload = command { return try reload() }
        if let lines = core.overrideLines(cancelledBy: command), let persistedOverrides {
            try persistedOverrides.remove(lines.target, directives: [lines.directive])
        }
        let (outcome, effects) = try core.execute(command, context: context, now: now)
        perform(effects)
        return outcome
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
        try persistedOverrides?.reload()
        let engineConfiguration = OverriddenConfiguration(model: loaded.model, overrides: persistedOverrides, clock: options.clock)
        perform(core.reload(loaded.model, engineConfiguration: engineConfiguration, now: now))
        return CommandOutcome(message: "reloaded \(path) (\(loaded.warnings.count) warning(s))")
    }
}
