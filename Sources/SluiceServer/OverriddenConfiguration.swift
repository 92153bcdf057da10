import Foundation
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
    /// Unix seconds now, to leave out overrides that lapsed (`--persist --for`).
    var now: @Sendable () -> Double = { Date().timeIntervalSince1970 }

    /// The configuration's settings with the persisted overrides in force.
    func settings(for queue: QueueKey) -> DomainSettings {
        var settings = model.effectiveSettings(domain: queue.domain, vmta: queue.vmta)
        overrides?.apply(to: &settings, domain: queue.domain, vmta: queue.vmta, now: now())
        return settings
    }

    func smtpPatternList(named name: String) -> SMTPPatternList? { model.smtpPatternList(named: name) }
    var bounceCategoryRules: [BounceCategoryRule] { model.bounceCategoryRules }
    func poolMembers(_ name: String) -> [String]? { model.poolMembers(name) }
    var virtualMTANames: Set<String> { model.virtualMTANames }
    /// Computed once: the engine asks for every queue a `queue-to` creates.
    let rollupQueueNames: Set<String>

    /// The engine's configuration from `model` and the override file.
    init(model: ConfigModel, overrides: PersistedOverrides?) {
        self.model = model
        self.overrides = overrides
        self.rollupQueueNames = model.rollupQueueNames
    }
}
