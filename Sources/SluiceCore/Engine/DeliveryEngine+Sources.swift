import SluiceConfig

/// `disable-source-ip`: a (source address, destination) pair stops sending for a while. Each
/// queue keeps, per source address of its vmta, when that address's disablement for the queue's
/// domain ends; connections take the enabled addresses in turn, and a queue whose every address is
/// disabled waits (``QueueState/blocked``) until the first one is enabled again.
extension DeliveryEngine {
    /// How long `disable-source-ip` without `=DURATION` disables an address: 1h.
    public static let defaultSourceDisableSpan = TimeSpan.hours(1)

    /// The index, among its vmta's `smtp-source-host` addresses, of the address a connection sends
    /// from; nil for an unknown connection.
    public func sourceIndex(of id: ConnectionID) -> Int? { connections[id]?.source }

    /// The queue's disabled sources, by address.
    func disabledSources(_ q: UInt32) -> [DisabledSource] {
        queueInfo[Int(q)].disabledSources.values.sorted { $0.source < $1.source }
    }

    /// Reads the vmta's source addresses into the queue; when their number changed (a reload),
    /// the disablements are forgotten, as the indexes no longer name the same addresses.
    mutating func refreshSources(_ q: UInt32) {
        let i = Int(q)
        let addresses = configuration.sourceAddresses(ofVirtualMTA: queues[i].key.vmta)
        queueInfo[i].sourceAddresses = addresses
        let count = max(1, addresses.count)
        guard queues[i].disabledUntil.count != count else { return }
        queues[i].disabledUntil = Array(repeating: 0, count: count)
        queues[i].disabledCount = 0
        queues[i].sourceCursor = 0
        queueInfo[i].disabledSources = [:]
    }

    /// The source the queue's next connection uses: the next enabled one in turn, or nil when
    /// every one is disabled.
    mutating func nextSource(_ q: UInt32) -> Int? {
        let i = Int(q)
        let count = queues[i].disabledUntil.count
        for k in 0..<count {
            let s = (queues[i].sourceCursor + k) % count
            if queues[i].disabledUntil[s] == 0 {
                queues[i].sourceCursor = (s + 1) % count
                return s
            }
        }
        return nil
    }

    /// Disables a source of the queue for its destination until `now + span` (a later end
    /// extends a disablement in force). Its connections close when the queue is next serviced
    /// (idle ones, and those that finish connecting) or after their transaction (busy ones). With
    /// `backoff-upon-all-sources-disabled`, disabling the last enabled source puts the queue in
    /// backoff mode.
    mutating func disableSource(_ q: UInt32, _ source: Int, for span: TimeSpan, reply: SMTPReply, patternList: String,
                                now: Int64, into actions: inout [EngineAction]) {
        let i = Int(q)
        guard source < queues[i].disabledUntil.count else { return }
        let until = satAdd(now, span.milliseconds)
        let current = queues[i].disabledUntil[source]
        guard until > current else { return }
        queues[i].disabledUntil[source] = until
        if current != 0 {
            queueInfo[i].disabledSources[source]?.until = Instant(milliseconds: until)
            return
        }
        queues[i].disabledCount += 1
        let addresses = queueInfo[i].sourceAddresses
        let entry = DisabledSource(queue: queues[i].key, source: source < addresses.count ? addresses[source] : "",
                                   since: Instant(milliseconds: now), until: Instant(milliseconds: until),
                                   reply: reply.dsnDiag, patternList: patternList)
        queueInfo[i].disabledSources[source] = entry
        record(event: EngineEvent(time: entry.since, kind: .sourceDisabled, queue: entry.queue,
                                  detail: "\(entry.sourceLabel) disabled for \(entry.destination) until "
                                      + "\(entry.until.timeOfDayUTC) (\(entry.ruleOrigin)): \(entry.reply)"),
               queue: q)
        actions.append(.sourceDisabled(entry))
        if queues[i].allSourcesDisabled, queues[i].limits.backoffUponAllSourcesDisabled {
            switchMode(q, to: .backoff, because: "backoff-upon-all-sources-disabled", now: now)
        }
    }

    /// Closes the queue's idle connections from disabled sources.
    mutating func closeDisabledIdle(_ q: UInt32, into actions: inout [EngineAction]) {
        let i = Int(q)
        guard queues[i].disabledCount > 0 else { return }
        for c in queues[i].idle where queues[i].isDisabled(source: connections[c]?.source ?? 0) { close(c, into: &actions) }
    }

    /// Enables again the queue's sources whose disablement has ended by `now`.
    mutating func reenableSources(_ q: UInt32, now: Int64, into actions: inout [EngineAction]) {
        let i = Int(q)
        guard queues[i].disabledCount > 0 else { return }
        for s in queues[i].disabledUntil.indices where queues[i].disabledUntil[s] != 0 && queues[i].disabledUntil[s] <= now {
            queues[i].disabledUntil[s] = 0
            queues[i].disabledCount -= 1
            guard let entry = queueInfo[i].disabledSources.removeValue(forKey: s) else { continue }
            record(event: EngineEvent(time: Instant(milliseconds: now), kind: .sourceEnabled, queue: entry.queue,
                                      detail: "\(entry.sourceLabel) enabled again for \(entry.destination) "
                                          + "(disabled since \(entry.since.timeOfDayUTC))"),
                   queue: q)
            actions.append(.sourceEnabled(entry))
        }
    }
}
