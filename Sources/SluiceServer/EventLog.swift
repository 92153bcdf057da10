import SluiceControlProtocol
import SluiceCore

/// The most recent delivery events, oldest first, in a fixed-size ring.
struct EventLog {
    private var ring: BoundedRing<EventRecord>

    init(capacity: Int) { ring = BoundedRing(capacity: capacity) }

    /// Keeps `event`, dropping the oldest when full.
    mutating func append(_ event: EventRecord) { ring.push(event) }

    /// The newest `limit` events passing `filter`, oldest first.
    func recent(matching filter: EventFilter) -> [EventRecord] {
        ring.newest(filter.limit, where: filter.matches)
    }
}
