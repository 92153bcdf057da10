import SluiceCore

/// The node's one wake-up: a task sleeping until the engine's next wakeup (at most a second, so
/// that accounting files are flushed and rotated on time).
struct WakeupTimer {
    /// When the armed task fires (ms), `.max` when none is armed.
    var due: Int64 = .max
    /// Identifies the armed task; a task that finds another generation current does nothing.
    var generation: UInt64 = 0
    /// The armed task.
    var task: Task<Void, Never>?
}

extension MailNode {
    /// The longest the timer sleeps.
    static let housekeepingInterval: Int64 = 1000

    /// Arms the timer for the engine's next wakeup unless it is already armed for that time or earlier.
    func armTimer() {
        guard !stopping else { return }
        let current = now.milliseconds
        let wanted = min(engine.nextWakeup?.milliseconds ?? .max, current + Self.housekeepingInterval)
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

    /// Runs what is due.
    func timerFired(_ generation: UInt64) {
        guard generation == timer.generation, !stopping else { return }
        timer.due = .max
        timer.task = nil
        let time = now
        do { try accounting.tick(now: time) } catch { log("accounting: \(error)") }
        perform(engine.tick(now: time))
    }
}
