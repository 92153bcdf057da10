import SluiceControlServer
import Synchronization

/// Complaints for the warm-up schedules: counts the `complaint` events published on the node's
/// hub per vmta (the event's queue is `domain/vmta`) until the delivery loop takes them
/// (``drain()``) and hands them to the engine. The hub calls on the publisher's thread; counting
/// takes a lock for one dictionary update.
final class WarmupComplaintFeed: Sendable {
    private final class Counts: Sendable {
        let byVMTA = Mutex<[String: Int]>([:])
    }

    private let counts = Counts()
    private let hub: EventHub
    private let subscription: EventHub.Subscription

    /// A feed counting the complaints published on `hub`.
    init(hub: EventHub) {
        let counts = counts
        self.hub = hub
        subscription = hub.subscribe { event in
            guard event.kind == "complaint" else { return }
            let vmta = ReputationMonitor.queueParts(event.queue).vmta
            guard !vmta.isEmpty else { return }
            counts.byVMTA.withLock { $0[vmta, default: 0] += 1 }
        }
    }

    deinit { hub.unsubscribe(subscription) }

    /// The complaints counted since the last call, per vmta.
    func drain() -> [String: Int] {
        counts.byVMTA.withLock { counts in
            defer { counts = [:] }
            return counts
        }
    }
}
