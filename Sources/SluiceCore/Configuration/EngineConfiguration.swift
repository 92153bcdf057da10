import SluiceConfig

/// What the engine reads from the configuration. `ConfigModel` conforms; tests use
/// ``StaticEngineConfiguration``. The engine caches every queue's settings and recomputes them on
/// ``DeliveryEngine/reload(_:now:)``, so lookups here need not be fast.
public protocol EngineConfiguration: Sendable {
    /// The effective `<domain>` settings of a queue, before live overrides.
    func settings(for queue: QueueKey) -> DomainSettings
    /// The `<smtp-pattern-list>` with that name, or nil.
    func smtpPatternList(named name: String) -> SMTPPatternList?
    /// The `<bounce-category-patterns>` rules in order; empty means the stock list.
    var bounceCategoryRules: [BounceCategoryRule] { get }
    /// The members of the `<virtual-mta-pool>` with that name, or nil when it is not a pool.
    func poolMembers(_ name: String) -> [String]?
    /// The names of every `<virtual-mta>`.
    var virtualMTANames: Set<String> { get }
    /// The names of the rolled-up queues (`<mx-rollup-list>`), lower case. A queue of one of
    /// these names is not a destination of its own: its connections resolve a member domain.
    var rollupQueueNames: Set<String> { get }
    /// The pool's cold members (`cold-virtual-mta`), also among ``poolMembers(_:)``; empty when none.
    func coldPoolMembers(_ name: String) -> [String]
    /// The `<warmup-schedule>` `vmta` ramps up by, or nil.
    func warmupSchedule(forVMTA vmta: String) -> WarmupSchedule?
    /// The source addresses (`smtp-source-host`) of a vmta in the order its connections use them
    /// in turn; empty when it sends from the node's own address.
    func sourceAddresses(ofVirtualMTA name: String) -> [String]
}

extension EngineConfiguration {
    /// No cold members.
    public func coldPoolMembers(_ name: String) -> [String] { [] }
    /// No warm-up.
    public func warmupSchedule(forVMTA vmta: String) -> WarmupSchedule? { nil }
}

/// A configuration held in dictionaries: defaults, per-domain and per-queue settings, pattern lists
/// and pools. For tests, benchmarks and embedding.
public struct StaticEngineConfiguration: EngineConfiguration {
    /// Settings of every queue without a more specific entry.
    public var defaults: DomainSettings
    /// Settings per destination domain (lowercase).
    public var domains: [String: DomainSettings]
    /// Settings per queue; beat ``domains``.
    public var queues: [QueueKey: DomainSettings]
    /// Pattern lists by name.
    public var patternLists: [String: SMTPPatternList]
    /// Bounce category rules; empty means the stock list.
    public var bounceCategoryRules: [BounceCategoryRule]
    /// Pools by name.
    public var pools: [String: [String]]
    /// The virtual MTAs.
    public var virtualMTANames: Set<String>
    /// The rolled-up queue names (lower case).
    public var rollupQueueNames: Set<String>
    /// Source addresses per vmta; a vmta without an entry sends from the node's own address.
    public var sourceAddresses: [String: [String]] = [:]

    /// Creates a configuration.
    public init(defaults: DomainSettings = DomainSettings(), domains: [String: DomainSettings] = [:],
                queues: [QueueKey: DomainSettings] = [:], patternLists: [String: SMTPPatternList] = [:],
                bounceCategoryRules: [BounceCategoryRule] = [], pools: [String: [String]] = [:],
                virtualMTANames: Set<String> = ["default"], rollupQueueNames: Set<String> = []) {
        self.defaults = defaults
        self.domains = domains
        self.queues = queues
        self.patternLists = patternLists
        self.bounceCategoryRules = bounceCategoryRules
        self.pools = pools
        self.virtualMTANames = virtualMTANames
        self.rollupQueueNames = rollupQueueNames
    }

    /// The queue's entry, else its domain's, else the defaults.
    public func settings(for queue: QueueKey) -> DomainSettings {
        queues[queue] ?? domains[queue.domain] ?? defaults
    }

    /// The named list.
    public func smtpPatternList(named name: String) -> SMTPPatternList? { patternLists[name] }

    /// The named pool's members.
    public func poolMembers(_ name: String) -> [String]? { pools[name] }

    /// The vmta's entry in ``sourceAddresses``.
    public func sourceAddresses(ofVirtualMTA name: String) -> [String] { sourceAddresses[name] ?? [] }

    /// Settings built from `directive value` pairs over the defaults, each with `origin`.
    ///
    /// - Throws: ``SettingError`` for an unknown directive or a bad value.
    public static func settings(_ pairs: [(String, String)], origin: Origin = .builtin,
                                over base: DomainSettings = DomainSettings()) throws(SettingError) -> DomainSettings {
        var settings = base
        for (name, value) in pairs { try settings.set(name, to: value, origin: origin) }
        return settings
    }
}
