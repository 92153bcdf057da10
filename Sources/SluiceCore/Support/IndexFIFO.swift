/// A first-in first-out list of 32-bit indices with O(1) amortised push and pop, 4 bytes an entry.
struct IndexFIFO: Sendable {
    private var items: [UInt32] = []
    private var head = 0

    var count: Int { items.count - head }
    var isEmpty: Bool { head == items.count }
    var first: UInt32? { isEmpty ? nil : items[head] }

    /// The entry `offset` places from the front.
    subscript(offset: Int) -> UInt32 { items[head + offset] }

    mutating func push(_ value: UInt32) { items.append(value) }

    mutating func popFirst() -> UInt32? {
        guard !isEmpty else { return nil }
        let value = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: items.capacity <= 1024)
            head = 0
        } else if head >= 1024, head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return value
    }

    /// Removes every entry and returns them in order.
    mutating func drain() -> [UInt32] {
        let all = Array(items[head...])
        items = []
        head = 0
        return all
    }
}
