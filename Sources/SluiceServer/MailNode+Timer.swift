import SluiceCore

/// The node's one wake-up: a task sleeping until the core's next wakeup.
struct WakeupTimer {
    /// When the armed task fires (ms), `.max` when none is armed.
    var due: Int64 = .max
    /// Identifies the armed task; a task that finds another generation current does nothing.
    var generation: UInt64 = 0
    /// The armed task.
    var task: Task<Void, Never>?
}

extension MailNode {
    /// Arms the timer for the core's next wakeup unless it is already armed for that time or earlier.
    func armTimer() {
        guard !core.stopping else { return }
        let wanted = core.nextWakeup(after: now).milliseconds
        guard wanted < timer.due else { return }
        timer.task?.cancel()
        timer.generation &+= 1
        timer.due = wanted
        let generation = timer.generation
        let clock = options.clock
        timer.task = Task { [weak self] in
            do { try await clock.sleep(until: Instant(milliseconds: wanted)) } catch { return }
            await self?.timerFired(generation)
        }
    }

    /// Runs what is due: the accounting files' flush and rotation, the engine's work.
    func timerFired(_ generation: UInt64) {
        guard generation == timer.generation, !core.stopping else { return }
        timer.due = .max
        timer.task = nil
        let time = now
        do { try accounting.tick(now: time) } catch { log("accounting: \(error)") }
        perform(core.tick(now: time))
    }
}
