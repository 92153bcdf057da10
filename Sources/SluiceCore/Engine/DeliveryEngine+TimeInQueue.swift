extension DeliveryEngine {
    /// When the message of queue `q`'s oldest waiting recipient was received (milliseconds), nil
    /// when none waits. Reads every entry of the queue's ready list and deferral heap once, so its
    /// cost grows with the queue (a snapshot pays it once per queue).
    func oldestWaiting(_ q: UInt32) -> Int64? {
        let queue = queues[Int(q)]
        var oldest: Int64?
        func consider(_ slot: UInt32) {
            guard messages.indices.contains(Int(slot)) else { return }
            let record = messages[Int(slot)]
            let received = record.message.receivedAt.milliseconds
            guard record.live, oldest.map({ received < $0 }) ?? true,
                  record.recipients.contains(where: { $0.queue == q && ($0.phase == .queued || $0.phase == .deferred) })
            else { return }
            oldest = received
        }
        for offset in 0..<queue.ready.count { consider(queue.ready[offset]) }
        for entry in queue.waiting.items { consider(entry.index) }
        return oldest
    }
}
