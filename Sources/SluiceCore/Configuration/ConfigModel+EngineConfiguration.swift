import SluiceConfig

/// A loaded configuration drives the engine directly: queue settings come from
/// ``SluiceConfig/ConfigModel/effectiveSettings(domain:vmta:)``.
extension ConfigModel: EngineConfiguration {
    /// The effective settings of `domain/vmta` (top-level `<domain>` blocks, then the vmta's own).
    public func settings(for queue: QueueKey) -> DomainSettings {
        effectiveSettings(domain: queue.domain, vmta: queue.vmta)
    }

    /// The `<smtp-pattern-list>` with that name.
    public func smtpPatternList(named name: String) -> SMTPPatternList? {
        smtpPatternLists[name]
    }

    /// The members of the `<virtual-mta-pool>` with that name (warm, then cold), nil when no pool has it.
    public func poolMembers(_ name: String) -> [String]? {
        pools[name]?.allMembers
    }

    /// The pool's `cold-virtual-mta` members.
    public func coldPoolMembers(_ name: String) -> [String] {
        pools[name]?.coldMembers ?? []
    }

    /// The schedule the vmta's `warmup-schedule` names.
    public func warmupSchedule(forVMTA vmta: String) -> WarmupSchedule? {
        virtualMTAs[vmta]?.warmupSchedule.flatMap { warmupSchedules[$0] }
    }

    /// The names of every `<virtual-mta>` block, plus `default`: mail from a source without
    /// `default-virtual-mta` goes out through the node's own address, as in PowerMTA.
    public var virtualMTANames: Set<String> {
        Set(virtualMTAs.keys).union(["default"])
    }

    /// The vmta's `smtp-source-host` addresses in file order.
    public func sourceAddresses(ofVirtualMTA name: String) -> [String] {
        virtualMTAs[name]?.sourceHosts.map(\.address.description) ?? []
    }

    /// The queue names of every `<mx-rollup-list>` entry.
    public var rollupQueueNames: Set<String> { mxRollupTable.queueNames }
}
