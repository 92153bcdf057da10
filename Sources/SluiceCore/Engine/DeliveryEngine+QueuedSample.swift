/// One queued recipient of a queue, for the console's Detail view.
public struct QueuedRecipientInfo: Hashable, Sendable {
    /// The message it belongs to.
    public var message: MessageID
    /// The recipient address.
    public var recipient: String
    /// When its message was received.
    public var receivedAt: Instant
    /// Failed attempts so far.
    public var attempts: Int
    /// When a deferred recipient is due again; nil while it waits for a connection.
    public var nextAttempt: Instant?
    /// The last remote reply to it when the queue's recent events still hold it, else empty.
    public var lastReply: String

    /// Creates an entry.
    public init(message: MessageID, recipient: String, receivedAt: Instant, attempts: Int, nextAttempt: Instant?,
                lastReply: String) {
        self.message = message
        self.recipient = recipient
        self.receivedAt = receivedAt
        self.attempts = attempts
        self.nextAttempt = nextAttempt
        self.lastReply = lastReply
    }
}

extension DeliveryEngine {
    /// Up to `limit` recipients waiting in the queue `key` (not in flight, not final): those ready
    /// to go first, oldest first, then deferred ones. Reads at most a few entries per recipient
    /// returned from the queue's ready list and deferral heap (stale entries are skipped), so the
    /// cost does not grow with the queue's size.
    public func queuedSample(of key: QueueKey, limit: Int) -> [QueuedRecipientInfo] {
        guard let q = queueIndex[key] else { return [] }
        return queuedSample(q: q, limit: limit)
    }

    /// Up to `limit` recipients waiting in the queues of `domain` (every vmta), taken queue by
    /// queue in key order like ``queuedSample(of:limit:)``.
    public func queuedSample(ofDomain domain: String, limit: Int) -> [QueuedRecipientInfo] {
        let indices = (queuesOfDomain[domain.lowercased()] ?? []).sorted { queues[Int($0)].key < queues[Int($1)].key }
        var out: [QueuedRecipientInfo] = []
        for q in indices where out.count < limit { out += queuedSample(q: q, limit: limit - out.count) }
        return out
    }

    private func queuedSample(q: UInt32, limit: Int) -> [QueuedRecipientInfo] {
        guard limit > 0 else { return [] }
        let queue = queues[Int(q)]
        let scanBudget = limit * 4
        var out: [QueuedRecipientInfo] = []
        var seen = Set<UInt32>()
        let recent = queueInfo[Int(q)].events.ordered

        func take(_ slot: UInt32) {
            guard out.count < limit, seen.insert(slot).inserted, messages.indices.contains(Int(slot)) else { return }
            let record = messages[Int(slot)]
            guard record.live else { return }
            for (i, r) in record.recipients.enumerated() where out.count < limit && r.queue == q {
                guard r.phase == .queued || r.phase == .deferred, record.message.recipients.indices.contains(i) else { continue }
                let address = record.message.recipients[i]
                let reply = r.attempts == 0 ? "" : recent.last { $0.recipient == address && $0.kind == .deferred }?.detail ?? ""
                out.append(QueuedRecipientInfo(
                    message: record.message.id, recipient: address, receivedAt: record.message.receivedAt,
                    attempts: Int(r.attempts), nextAttempt: r.phase == .deferred ? Instant(milliseconds: r.nextAttempt) : nil,
                    lastReply: reply))
            }
        }

        for offset in 0..<min(queue.ready.count, scanBudget) where out.count < limit { take(queue.ready[offset]) }
        for entry in queue.waiting.items.prefix(scanBudget) where out.count < limit { take(entry.index) }
        return out
    }
}
