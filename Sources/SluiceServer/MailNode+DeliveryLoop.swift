import SluiceControlProtocol
import SluiceCore

/// The delivery loop's sleep: until when, and the task to cancel to wake it sooner.
struct Wakeup {
    var due: Instant
    var sleep: Task<Void, Never>
}

extension MailNode {
    /// The delivery loop (``DeliveryService``): ticks the core whenever its next wakeup comes (at
    /// least every second, so that accounting files are flushed and rotated on time) until the
    /// node stops or the task is cancelled.
    func runDeliveryLoop() async {
        while !core.stopping, !Task.isCancelled {
            let due = core.nextWakeup(after: now)
            if now < due {
                let clock = options.clock
                let sleep = Task { _ = try? await clock.sleep(until: due) }
                wakeup = Wakeup(due: due, sleep: sleep)
                await withTaskCancellationHandler { await sleep.value } onCancel: { sleep.cancel() }
                wakeup = nil
                // Woken early: new work wants an earlier wakeup, or the node is stopping.
                guard now >= due else { continue }
            }
            guard !core.stopping else { return }
            let time = now
            do { try records.accounting.tick(now: time) } catch { log("accounting: \(error)") }
            core.noteComplaints(warmupComplaints.drain(), now: time)
            perform(core.tick(now: time))
            await recordHistoryIfDue(now: time)
        }
    }

    /// Reads the history's file off the actor and adds its frames (a day of a large node takes
    /// seconds to read; mail does not wait for it).
    func loadHistory() {
        let file = history.file
        Task.detached { [weak self] in
            let (frames, lines) = file.load()
            await self?.restoreHistory(frames, lines: lines)
        }
    }

    /// Adds frames read from the history file.
    func restoreHistory(_ frames: [HistoryFrame], lines: Int) {
        history.restore(frames, lines: lines)
    }

    /// Records the minute just ended in the history, from a snapshot taken now.
    func recordHistoryIfDue(now: Instant) async {
        guard let minute = history.due(at: now) else { return }
        let frame = HistoryFrame(minute: minute, snapshot: await snapshot())
        history.record(frame, log: log)
    }

    /// True while the delivery loop sleeps until after `now`: it has done what was due at `now`.
    /// (A test harness moving a virtual clock waits for it before the next step.)
    func deliveryLoopSleeps(past now: Instant) -> Bool {
        guard let wakeup else { return false }
        return wakeup.due > now
    }

    /// Cuts the loop's sleep short when the core now wants to wake earlier (work just arrived).
    func wakeEarlierIfNeeded() {
        guard let wakeup else { return }
        // Through an inout access: calling the method on `core` as a plain read would first copy
        // the whole core (every queue's references), after every effect batch.
        let next = { (core: inout NodeCore, now: Instant) in core.nextWakeup(after: now) }(&core, now)
        guard next < wakeup.due else { return }
        wakeup.sleep.cancel()
    }
}
