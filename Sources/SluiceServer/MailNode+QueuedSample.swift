import SluiceControlProtocol
import SluiceCore

extension MailNode {
    /// How many queued recipients a settings answer samples.
    static let queuedSampleLimit = 20

    /// A sample of the target's queued recipients with age, attempts and last reply, oldest
    /// first (the console's Detail view).
    func queuedRecipients(of target: ControlTarget) -> [SettingsSnapshot.QueuedRecipient] {
        let sample: [QueuedRecipientInfo]
        switch target {
        case .queue(let key): sample = engine.queuedSample(of: key, limit: Self.queuedSampleLimit)
        case .domain(let domain): sample = engine.queuedSample(ofDomain: domain, limit: Self.queuedSampleLimit)
        case .vmta: sample = []
        }
        return sample.map {
            SettingsSnapshot.QueuedRecipient(recipient: $0.recipient,
                                             ageS: max(0, Double((now - $0.receivedAt).milliseconds) / 1000),
                                             attempts: $0.attempts, lastReply: $0.lastReply)
        }
    }

    /// Delivered per second over the last five minutes, oldest first: the queue's, or for a
    /// domain the sum of its queues'.
    func deliveredHistory(of target: ControlTarget) -> [Int] {
        let stats: TrafficStats?
        switch target {
        case .queue(let key): stats = engine.snapshot(of: key, now: now)?.stats
        case .domain(let domain): stats = engine.domainStats(domain, now: now)
        case .vmta(let vmta): stats = engine.vmtaStats(vmta, now: now)
        }
        return stats?[.delivered].history.map(Int.init) ?? []
    }
}
