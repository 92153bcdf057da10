import SluiceSpool
import Synchronization

/// Writes delivery progress to the spool in order, batching whatever accumulates while the
/// previous write is being synced: one `Spool.record` call in flight at a time, so entries for
/// the same recipient (a deferral, then the delivery) reach the log in the order they happened.
final class ProgressWriter: Sendable {
    private struct State {
        var pending: [RecipientProgress] = []
        var writing = false
        var drained: [CheckedContinuation<Void, Never>] = []
    }

    private let spool: Spool
    private let state = Mutex(State())
    private let log: @Sendable (String) -> Void

    init(spool: Spool, log: @escaping @Sendable (String) -> Void) {
        self.spool = spool
        self.log = log
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

    /// Returns once everything submitted so far is written.
    func flush() async {
        await withCheckedContinuation { continuation in
            let idle = state.withLock { s -> Bool in
                if !s.writing && s.pending.isEmpty { return true }
                s.drained.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { s -> [RecipientProgress] in
                let batch = s.pending
                s.pending = []
                return batch
            }
            if batch.isEmpty {
                let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>]? in
                    guard s.pending.isEmpty else { return nil }
                    s.writing = false
                    defer { s.drained = [] }
                    return s.drained
                }
                guard let waiters else { continue }
                for waiter in waiters { waiter.resume() }
                return
            }
            do {
                try await spool.record(batch)
            } catch {
                log("spool: could not record delivery progress of \(batch.count) recipient(s): \(error)")
            }
        }
    }
}
