import SluiceConfig
import SluiceControlServer
import SluiceCore

/// The engine's configuration in a node: the loaded ``ConfigModel`` with the throttles persisted
/// by `set throttle --persist` (the override file) layered over each queue's settings, so
/// `show settings` lists them with a `FILE:LINE (persisted)` origin.
///
/// The override file is read when a queue's settings are recomputed (a control added or removed,
/// a reload), so a line removed from it stops applying at the queue's next refresh.
struct OverriddenConfiguration: EngineConfiguration {
    /// The loaded configuration.
    let model: ConfigModel
    /// The override file, or nil when the node has none.
    let overrides: PersistedOverrides?
    /// The node's clock, to leave out overrides that lapsed (`--persist --for`).
    let clock: any SluiceCore.Clock

    /// The configuration's settings with the persisted overrides in force.
    func settings(for queue: QueueKey) -> DomainSettings {
        var settings = model.effectiveSettings(domain: queue.domain, vmta: queue.vmta)
        overrides?.apply(to: &settings, domain: queue.domain, vmta: queue.vmta, now: clock.now().secondsSince1970)
        return settings
    }

    func smtpPatternList(named name: String) -> SMTPPatternList? { model.smtpPatternList(named: name) }
    var bounceCategoryRules: [BounceCategoryRule] { model.bounceCategoryRules }
    func poolMembers(_ name: String) -> [String]? { model.poolMembers(name) }
    var virtualMTANames: Set<String> { model.virtualMTANames }
    /// Computed once: the engine asks for every queue a `queue-to` creates.
    let rollupQueueNames: Set<String>

    /// The engine's configuration from `model` and the override file, with time from `clock`.
    init(model: ConfigModel, overrides: PersistedOverrides?, clock: any SluiceCore.Clock) {
        self.model = model
        self.overrides = overrides
        self.clock = clock
        self.rollupQueueNames = model.rollupQueueNames
    }
}
