import Foundation
import SluiceConfig

/// A clock moved by hand, for tests and simulations: ``now()`` stands still until ``advance(by:)``
/// or ``advance(to:)`` moves it, and a task sleeping on it wakes when the clock is moved to or past
/// its deadline, so hours of timers run in milliseconds without a real sleep.
///
/// ```swift
/// let clock = VirtualClock()
/// let task = Task { try await clock.sleep(for: .seconds(30)) }
/// await clock.waitForSleepers(1)
/// clock.advance(by: .seconds(30))   // the task wakes
/// ```
///
/// Its state is guarded by an `NSLock` (a pthread mutex) rather than `Synchronization.Mutex`:
/// ThreadSanitizer, which CI runs over the tests that use this clock, sees a pthread mutex's
/// hand-over and reported every access under `Mutex` as a race.
public final class VirtualClock: Clock, @unchecked Sendable {
    private struct Sleeper {
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Instant
        var sleepers: [UInt64: Sleeper] = [:]
        /// Sleepers cancelled before they were registered.
        var cancelled: Set<UInt64> = []
        var nextID: UInt64 = 0
        /// Callers of ``waitForSleepers(_:)``, with the count each waits for.
        var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

        /// Removes and returns the watchers whose count is reached.
        mutating func satisfiedWatchers() -> [CheckedContinuation<Void, Never>] {
            let count = sleepers.count
            let ready = watchers.filter { $0.count <= count }.map(\.continuation)
            watchers.removeAll { $0.count <= count }
            return ready
        }
    }

    private let state: LockedState

    /// The clock's state behind its lock.
    private final class LockedState: @unchecked Sendable {
        private let lock = NSLock()
        private var value: State

        init(_ value: State) { self.value = value }

        func withLock<T>(_ body: (inout State) throws -> T) rethrows -> T {
            lock.lock()
            defer { lock.unlock() }
            return try body(&value)
        }
    }

    /// Creates a clock reading `start` (by default 1,000 seconds after the epoch).
    public init(_ start: Instant = Instant(milliseconds: 1_000_000)) {
        state = LockedState(State(now: start))
    }

    /// The instant the clock was last moved to.
    public func now() -> Instant { state.withLock { $0.now } }

    /// Suspends until the clock is moved to or past `deadline` (at once when it already is).
    ///
    /// - Throws: `CancellationError` when the calling task is cancelled before then.
    public func sleep(until deadline: Instant) async throws {
        try Task.checkCancellation()
        let id = state.withLock { s -> UInt64 in
            defer { s.nextID &+= 1 }
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Outcome { case wait([CheckedContinuation<Void, Never>]), due, cancelled }
                let outcome = state.withLock { s -> Outcome in
                    if s.cancelled.remove(id) != nil { return .cancelled }
                    if deadline <= s.now { return .due }
                    s.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return .wait(s.satisfiedWatchers())
                }
                switch outcome {
                case .due: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .wait(let watchers): for watcher in watchers { watcher.resume() }
                }
            }
        } onCancel: {
            let sleeper = state.withLock { s -> Sleeper? in
                guard let sleeper = s.sleepers.removeValue(forKey: id) else {
                    s.cancelled.insert(id)
                    return nil
                }
                return sleeper
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock on by `span` and wakes the sleepers now due, earliest deadline first.
    public func advance(by span: TimeSpan) {
        let due = state.withLock { s -> [Sleeper] in
            s.now = s.now + span
            return Self.takeDue(&s)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Moves the clock to `instant` (never backwards) and wakes the sleepers now due, earliest
    /// deadline first.
    public func advance(to instant: Instant) {
        let due = state.withLock { s -> [Sleeper] in
            s.now = max(s.now, instant)
            return Self.takeDue(&s)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Tasks sleeping on the clock now.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline a task sleeps until, or nil when none sleeps.
    public var nextDeadline: Instant? { state.withLock { $0.sleepers.values.map(\.deadline).min() } }

    /// Returns once at least `count` tasks sleep on the clock: a test waits for this before
    /// advancing, so that the sleep it means to end has begun.
    public func waitForSleepers(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s -> Bool in
                if s.sleepers.count >= count { return true }
                s.watchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    private static func takeDue(_ s: inout State) -> [Sleeper] {
        let now = s.now
        let due = s.sleepers.filter { $0.value.deadline <= now }
        for id in due.keys { s.sleepers.removeValue(forKey: id) }
        return due.sorted { ($0.value.deadline, $0.key) < ($1.value.deadline, $1.key) }.map(\.value)
    }
}
