import SluiceConfig
import SluiceCore
import Synchronization

/// A ``Clock`` over another that keeps the deadlines its sleepers wait for, from the moment each
/// decides to sleep: on a simulated run the ``SandboxTransport`` waits its receivers' slow replies
/// on it, so the ``SimulationDriver`` knows how many delivery operations are asleep and until when.
final class ObservedClock: Clock {
    private struct State {
        var next: UInt64 = 0
        var deadlines: [UInt64: Instant] = [:]
    }

    let base: any Clock
    private let state = Mutex(State())

    /// Observes the sleepers of `base`.
    init(_ base: any Clock) {
        self.base = base
    }

    func now() -> Instant { base.now() }

    func sleep(until deadline: Instant) async throws {
        let id = state.withLock { s -> UInt64 in
            defer { s.next &+= 1 }
            s.deadlines[s.next] = deadline
            return s.next
        }
        defer { _ = state.withLock { $0.deadlines.removeValue(forKey: id) } }
        try await base.sleep(until: deadline)
    }

    /// Tasks sleeping (or about to) on the clock now.
    var sleeping: Int { state.withLock { $0.deadlines.count } }

    /// The earliest deadline one of them waits for.
    var earliestDeadline: Instant? { state.withLock { $0.deadlines.values.min() } }
}
