import SluiceConfig
import SluiceCore
import SluiceSpool
import Synchronization

/// Writes delivery progress to the spool in order, batching whatever accumulates while the
/// previous write is being synced: one `Spool.record` call in flight at a time, so entries for
/// the same recipient (a deferral, then the delivery) reach the log in the order they happened.
///
/// A write that fails (a full disk) loses nothing: the entries stay at the head of the queue and
/// are written again, with later ones, after ``retryDelays`` — so that a message delivered
/// while the disk was full is not delivered a second time after a restart. One line is logged
/// when writing starts failing and one when it works again.
final class ProgressWriter: Sendable {
    private struct State {
        var pending: [RecipientProgress] = []
        var writing = false
        var failing = false
        var giveUp = false
        var drained: [CheckedContinuation<Void, Never>] = []
    }

    /// Waits between attempts while writing fails; the last one repeats.
    static let retryDelays: [TimeSpan] = [TimeSpan(milliseconds: 100), TimeSpan(milliseconds: 500), .seconds(1), .seconds(2)]

    private let spool: Spool
    private let state = Mutex(State())
    private let log: @Sendable (String) -> Void
    private let clock: any SluiceCore.Clock

    /// Creates a writer; it waits between failed attempts on `clock`.
    init(spool: Spool, log: @escaping @Sendable (String) -> Void, clock: any SluiceCore.Clock) {
        self.spool = spool
        self.log = log
        self.clock = clock
    }

    /// Queues entries; returns at once.
    func submit(_ entries: [RecipientProgress]) {
        guard !entries.isEmpty else { return }
        let start = state.withLock { s -> Bool in
            s.pending += entries
            guard !s.writing else { return false }
            s.writing = true
            return true
        }
        if start { Task { await self.drain() } }
    }

    /// Entries waiting to be written (more than a batch only while writing fails).
    var backlog: Int { state.withLock { $0.pending.count } }

    /// Returns once everything submitted so far is written — or, with `giveUpOnFailure`, as soon
    /// as a write fails (at shutdown: the entries not written are logged, and their recipients
    /// are retried after the restart).
    func flush(giveUpOnFailure: Bool = false) async {
        await withCheckedContinuation { continuation in
            let idle = state.withLock { s -> Bool in
                if !s.writing && s.pending.isEmpty { return true }
                if giveUpOnFailure {
                    s.giveUp = true
                    if s.failing && !s.writing { return true }
                }
                s.drained.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    private func drain() async {
        var attempt = 0
        while true {
            let batch = state.withLock { s -> [RecipientProgress] in
                let batch = s.pending
                s.pending = []
                return batch
            }
            if batch.isEmpty {
                guard let waiters = finish() else { continue }
                for waiter in waiters { waiter.resume() }
                return
            }
            do {
                try await spool.record(batch)
                attempt = 0
                let recovered = state.withLock { s -> Bool in
                    defer { s.failing = false }
                    return s.failing
                }
                if recovered { log("spool: delivery progress is written again") }
            } catch {
                let (first, giveUp) = state.withLock { s -> (Bool, Bool) in
                    s.pending = batch + s.pending
                    defer { s.failing = true }
                    return (!s.failing, s.giveUp)
                }
                if first {
                    log("spool: could not record delivery progress of \(batch.count) recipient(s): \(error); "
                        + "kept in memory and retried until it is written")
                }
                if giveUp {
                    let left = state.withLock { s -> ([CheckedContinuation<Void, Never>], Int) in
                        s.writing = false
                        defer { s.drained = [] }
                        return (s.drained, s.pending.count)
                    }
                    log("spool: \(left.1) progress entries not written at shutdown; those recipients are retried after the restart")
                    for waiter in left.0 { waiter.resume() }
                    return
                }
                try? await clock.sleep(for: Self.retryDelays[min(attempt, Self.retryDelays.count - 1)])
                attempt += 1
            }
        }
    }

    /// Marks the writer idle when nothing is pending and returns the flush waiters to resume; nil
    /// when more arrived meanwhile.
    private func finish() -> [CheckedContinuation<Void, Never>]? {
        state.withLock { s in
            guard s.pending.isEmpty else { return nil }
            s.writing = false
            defer { s.drained = [] }
            return s.drained
        }
    }
}
