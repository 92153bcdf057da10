/// A fixed-capacity ring that keeps the most recent elements: when full, each new element replaces
/// the oldest. Used for the engine's and the daemon's recent-event tails.
public struct BoundedRing<Element: Sendable>: Sendable {
    private var items: [Element] = []
    private var next = 0
    /// The most elements kept (at least 1).
    public let capacity: Int

    /// Creates an empty ring.
    public init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Keeps `element`, dropping the oldest when full.
    public mutating func push(_ element: Element) {
        if items.count < capacity {
            items.append(element)
        } else {
            items[next] = element
            next = (next + 1) % capacity
        }
    }

    /// Every element, oldest first.
    public var ordered: [Element] { Array(items[next...] + items[..<next]) }

    /// Up to `limit` of the newest elements satisfying `predicate`, oldest first; it stops reading
    /// once it has `limit`.
    public func newest(_ limit: Int, where predicate: (Element) -> Bool) -> [Element] {
        var picked: [Element] = []
        var k = items.count - 1
        while k >= 0, picked.count < limit {
            let element = items[(next + k) % items.count]
            if predicate(element) { picked.append(element) }
            k -= 1
        }
        return picked.reversed()
    }
}
