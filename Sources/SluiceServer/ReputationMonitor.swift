import SluiceControlProtocol
import SluiceControlServer
import SluiceCore
import Synchronization

/// The node's ``ReputationStats``, fed from its event hub: every `delivered`, `complaint`,
/// `async-bounce`, `suppressed`, `dsn` and `report-unparsed` event published on the node, from
/// whichever part of the node publishes it, is counted at the event's time (the node's clock).
///
/// The hub calls the subscription on the publisher's thread; counting takes a lock for a few
/// dictionary updates and never waits on anything else. Readers (snapshots, settings, metrics)
/// read under the same lock.
final class ReputationMonitor: Sendable {
    /// The stats behind their lock, shared with the hub's subscription.
    private final class Locked: Sendable {
        let stats: Mutex<ReputationStats>
        init(_ stats: ReputationStats) { self.stats = Mutex(stats) }
    }

    private let locked: Locked
    private let hub: EventHub
    private let subscription: EventHub.Subscription

    /// A monitor counting the events published on `hub` against `thresholds`.
    init(hub: EventHub, thresholds: ComplaintThresholds = ComplaintThresholds()) {
        let locked = Locked(ReputationStats(thresholds: thresholds))
        self.locked = locked
        self.hub = hub
        subscription = hub.subscribe { event in
            guard let (input, time) = ReputationMonitor.input(of: event) else { return }
            locked.stats.withLock { $0.record(input, at: time) }
        }
    }

    deinit { hub.unsubscribe(subscription) }

    /// Reads the stats under the lock.
    func read<T: Sendable>(_ body: (ReputationStats) -> T) -> T {
        locked.stats.withLock { body($0) }
    }

    /// The stats input of a published event and its time; nil for events the stats do not count
    /// (deferrals, bounces, DKIM notes, …) and for an event whose time is not a finite number.
    static func input(of event: EventRecord) -> (ReputationEvent, Instant)? {
        guard event.time.isFinite else { return nil }
        let time = Instant(milliseconds: Int64(exactly: (event.time * 1000).rounded()) ?? 0)
        let (domain, vmta) = queueParts(event.queue)
        let input: ReputationEvent
        switch event.kind {
        case "delivered": input = .delivered(domain: domain, vmta: vmta)
        case "complaint":
            input = .complaint(domain: domain, vmta: vmta, recipient: event.recipient, feedbackType: event.category,
                               detail: event.dsnDiag)
        case "async-bounce":
            input = .asyncBounce(domain: domain, vmta: vmta, recipient: event.recipient, code: event.code,
                                 category: event.category, detail: event.dsnDiag)
        case "suppressed": input = .suppressed
        case "dsn": input = .dsnSent(action: event.category)
        case "report-unparsed": input = .reportUnparsed
        default: return nil
        }
        return (input, time)
    }

    /// `domain/vmta` split at its last slash; a queue without a slash is a domain with no vmta.
    static func queueParts(_ queue: String) -> (domain: String, vmta: String) {
        guard let slash = queue.lastIndex(of: "/") else { return (queue, "") }
        return (String(queue[..<slash]), String(queue[queue.index(after: slash)...]))
    }
}
