import SluiceControlProtocol
import Synchronization

/// Fans delivery events out to subscribers without ever waiting for them.
///
/// The node calls ``publish(_:)`` from wherever outcomes happen; each subscriber's sink must
/// return at once (the socket server's sinks enqueue into a bounded per-subscriber outbox and drop
/// when it is full), so a slow or stopped subscriber never slows delivery.
public final class EventHub: Sendable {
    /// Identifies a subscription, for ``unsubscribe(_:)``.
    public struct Subscription: Hashable, Sendable { let id: Int }

    private struct State {
        var nextID = 0
        var sinks: [Int: @Sendable (EventRecord) -> Void] = [:]
    }

    private let state = Mutex(State())

    /// Creates a hub with no subscribers.
    public init() {}

    /// Delivers `event` to every current subscriber. Never blocks on a subscriber.
    public func publish(_ event: EventRecord) {
        let sinks = state.withLock { Array($0.sinks.values) }
        for sink in sinks { sink(event) }
    }

    /// Adds a subscriber; `sink` is called on the publisher's thread and must not block.
    public func subscribe(_ sink: @escaping @Sendable (EventRecord) -> Void) -> Subscription {
        state.withLock { s in
            s.nextID += 1
            s.sinks[s.nextID] = sink
            return Subscription(id: s.nextID)
        }
    }

    /// Removes a subscriber.
    public func unsubscribe(_ subscription: Subscription) {
        _ = state.withLock { $0.sinks.removeValue(forKey: subscription.id) }
    }

    /// The number of current subscribers.
    public var subscriberCount: Int { state.withLock { $0.sinks.count } }

    /// An in-process stream of events (for an embedded console) that keeps only the newest
    /// `capacity` events when its reader falls behind.
    public func stream(capacity: Int = 1024) -> AsyncStream<EventRecord> {
        let (stream, continuation) = AsyncStream.makeStream(of: EventRecord.self, bufferingPolicy: .bufferingNewest(capacity))
        let subscription = subscribe { continuation.yield($0) }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(subscription) }
        return stream
    }
}
