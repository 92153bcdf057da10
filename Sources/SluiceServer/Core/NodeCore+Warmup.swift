import SluiceConfig
import SluiceCore

/// Warm-up in the node's core: complaints and blocklist listings in, the ledger out to be saved.
extension NodeCore {
    /// The longest the day's warm-up counts go unsaved while mail flows.
    static let warmupSaveInterval = TimeSpan.seconds(60)

    /// Counts complaints per vmta for the warm-up schedules.
    mutating func noteComplaints(_ counts: [String: Int], now: Instant) {
        for (vmta, count) in counts.sorted(by: { $0.key < $1.key }) {
            engine.noteComplaints(vmta: vmta, count: count, now: now)
        }
    }

    /// Marks `vmta` listed or no longer listed on a blocklist (its warm-up step holds while listed).
    mutating func setListed(vmta: String, listed: Bool, now: Instant) -> [NodeEffect] {
        engine.setListed(vmta: vmta, listed: listed, now: now)
        return warmupSave(now: now)
    }

    /// Brings back the warm-up state saved before a restart.
    mutating func restoreWarmup(_ ledger: WarmupLedger, now: Instant) -> [NodeEffect] {
        let effects = effects(of: engine.restoreWarmup(ledger, now: now), now: now)
        warmupSaved = (engine.warmupRevision, engine.warmupMilestone, now)
        return effects
    }

    /// The ledger to save now: at once after a step, hold or listing changed, else at most every
    /// ``warmupSaveInterval`` while the day's counts change; nothing when unchanged.
    mutating func warmupSave(now: Instant, force: Bool = false) -> [NodeEffect] {
        let (revision, milestone) = (engine.warmupRevision, engine.warmupMilestone)
        guard revision != warmupSaved.revision || milestone != warmupSaved.milestone else { return [] }
        guard force || milestone != warmupSaved.milestone || now >= warmupSaved.at + Self.warmupSaveInterval else { return [] }
        warmupSaved = (revision, milestone, now)
        return [.saveWarmup(engine.warmupLedger)]
    }
}
