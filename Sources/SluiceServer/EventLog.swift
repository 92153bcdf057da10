import SluiceControl

/// The most recent delivery events, oldest first, in a fixed-size ring.
struct EventLog {
    private var storage: [EventRecord] = []
    private var head = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Keeps `event`, dropping the oldest when full.
    mutating func append(_ event: EventRecord) {
        if storage.count < capacity {
            storage.append(event)
        } else {
            storage[head] = event
            head = (head + 1) % capacity
        }
    }

    /// The newest `limit` events passing `filter`, oldest first.
    func recent(matching filter: EventFilter) -> [EventRecord] {
        var picked: [EventRecord] = []
        var k = storage.count - 1
        while k >= 0, picked.count < filter.limit {
            let event = storage[(head + k) % storage.count]
            if filter.matches(event) { picked.append(event) }
            k -= 1
        }
        return picked.reversed()
    }
}
