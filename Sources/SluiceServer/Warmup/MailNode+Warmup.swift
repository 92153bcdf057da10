import SluiceCore

extension MailNode {
    /// Marks `vmta` listed (or no longer listed) on a blocklist, for its warm-up schedule: while
    /// listed the step holds, and a sending day counts as bad (two in a row step back). The hook
    /// a blocklist watch calls; safe for any name: nothing happens for a vmta without a schedule.
    public func setListed(vmta: String, listed: Bool) {
        perform(core.setListed(vmta: vmta, listed: listed, now: now))
    }

    /// Each warming vmta's place in its schedule now.
    public func warmupStatus() -> [WarmupStatus] {
        core.engine.warmupStatus(now: now)
    }
}
