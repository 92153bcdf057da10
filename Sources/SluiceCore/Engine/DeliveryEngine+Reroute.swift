import SluiceConfig

/// `backoff-reroute-to-virtual-mta NAME`: while a queue is in backoff mode, its waiting mail goes
/// out through another vmta's queue for the same domain (PowerMTA's meaning).
extension DeliveryEngine {
    /// Moves the queue's queued and deferred recipients to the `backoff-reroute-to-virtual-mta`
    /// queue while the queue is in backoff mode; deferred ones are ready at once there (the other
    /// vmta has not been refused), recipients in flight stay and move once they come back deferred. Nothing moves to an unknown vmta,
    /// to the queue's own vmta, or to a queue itself in backoff (two queues rerouting to each
    /// other would pass mail back and forth).
    mutating func rerouteIfBackedOff(_ q: UInt32, now: Int64, into actions: inout [EngineAction]) {
        let i = Int(q)
        guard queues[i].mode == .backoff, queues[i].queued > 0, let name = queues[i].limits.backoffRerouteVMTA,
              name != queues[i].key.vmta, configuration.virtualMTANames.contains(name) else { return }
        let target = queue(for: QueueKey(domain: queues[i].key.domain, vmta: name))
        guard queues[Int(target)].mode == .normal else { return }
        let moved = move(from: q, to: target, now: now)
        guard moved > 0 else { return }
        let detail = "\(moved) recipient(s) rerouted from \(queues[i].key) to \(queues[Int(target)].key) "
            + "(backoff-reroute-to-virtual-mta)"
        record(event: EngineEvent(time: Instant(milliseconds: now), kind: .rerouted, queue: queues[i].key, detail: detail),
               queue: q)
        record(event: EngineEvent(time: Instant(milliseconds: now), kind: .rerouted, queue: queues[Int(target)].key,
                                  detail: detail), queue: target)
        service(target, now: now, into: &actions)
    }

    /// Files the queued and deferred recipients of `q` in `target`, ready; returns how many moved.
    mutating func move(from q: UInt32, to target: UInt32, now: Int64) -> Int {
        let (i, t) = (Int(q), Int(target))
        var slots = queues[i].ready.drain()
        while let entry = queues[i].waiting.popMin() { slots.append(entry.index) }
        queues[i].earliestReadyExpiry = .max
        queues[i].nextSweep = .max
        var seen = Set<UInt32>()
        var moved = 0
        for slot in slots where seen.insert(slot).inserted {
            let s = Int(slot)
            guard s < messages.count, messages[s].live else { continue }
            var ready = false
            for r in messages[s].recipients.indices where messages[s].recipients[r].queue == q {
                switch messages[s].recipients[r].phase {
                case .queued:
                    break
                case .deferred:
                    messages[s].recipients[r].phase = .queued
                    queues[i].deferred -= 1
                case .inFlight, .delivered, .bounced, .expired, .deleted:
                    continue
                }
                messages[s].recipients[r].queue = target
                queues[i].queued -= 1
                queues[t].queued += 1
                ready = true
                moved += 1
            }
            if ready { pushReady(target, slot, receivedAt: messages[s].message.receivedAt.milliseconds, now: now) }
        }
        return moved
    }
}
