import SluiceConfig
import SluiceBase

/// The traffic generator's schedule as a pure value: evenly paced messages at `spec.rate`, each
/// one a deterministic function of the seed and its sequence number.
///
/// The injecting client asks ``due(at:limit:)`` for the messages whose time has come, sends them,
/// and sleeps until ``nextDueAt``. Slot `k` is due at `start + k / rate`; when the client falls more
/// than `spec.maximumLag` behind (a slow MTA), the oldest slots are skipped rather than sent in a
/// burst, so the offered rate never exceeds the chosen one (GCRA with a bounded tolerance).
public struct TrafficPlan: Sendable {
    /// What to generate.
    public let spec: TrafficSpec
    /// The seed of every choice.
    public let seed: UInt64
    /// When slot 0 is due.
    public let start: Instant
    /// The next slot to hand out.
    public private(set) var nextSequence = 0
    /// Slots skipped because the client fell too far behind.
    public private(set) var skipped = 0

    /// Creates a plan; the spec is validated.
    public init(spec: TrafficSpec, seed: UInt64, start: Instant) throws(ValueError) {
        try spec.validate()
        self.spec = spec
        self.seed = seed
        self.start = start
    }

    /// When slot `sequence` is due.
    public func scheduledAt(_ sequence: Int) -> Instant {
        start + TimeSpan(milliseconds: Int64((Double(sequence) * 1000 / spec.rate).rounded(.down)))
    }

    /// When the next message is due.
    public var nextDueAt: Instant { scheduledAt(nextSequence) }

    /// The messages due at `now` (at most `limit`), in order; skips slots older than the lag allows.
    public mutating func due(at now: Instant, limit: Int = .max) -> [PlannedMessage] {
        let oldestAllowed = now - spec.maximumLag
        if scheduledAt(nextSequence) < oldestAllowed {
            let first = Int((Double((oldestAllowed - start).milliseconds) * spec.rate / 1000).rounded(.up))
            var target = max(nextSequence, first)
            while target > nextSequence, scheduledAt(target - 1) >= oldestAllowed { target -= 1 }
            while scheduledAt(target) < oldestAllowed { target += 1 }
            skipped += target - nextSequence
            nextSequence = target
        }
        var out: [PlannedMessage] = []
        while out.count < limit, scheduledAt(nextSequence) <= now {
            out.append(message(nextSequence))
            nextSequence += 1
        }
        return out
    }

    /// Message number `sequence` (the same for the same seed, whenever it is asked for).
    public func message(_ sequence: Int) -> PlannedMessage {
        var random = SplitMix64(seed: SplitMix64.mix(seed ^ SplitMix64.mix(UInt64(truncatingIfNeeded: sequence))))
        let domain = spec.mix.domain(at: random.next(below: UInt64(spec.mix.totalWeight)))?.name ?? "example.net"
        let job = spec.jobs[Int(random.next(below: UInt64(spec.jobs.count)))]
        let count = Int(random.next(in: Int64(spec.recipientsPerMessage.lowerBound)...Int64(spec.recipientsPerMessage.upperBound)))
        var recipients: [String] = []
        while recipients.count < count {
            let mailbox = Int(random.next(below: UInt64(spec.mailboxesPerDomain)))
            let address = "\(MessageComposer.localPart(mailbox))@\(domain)"
            if !recipients.contains(address) || spec.mailboxesPerDomain < count { recipients.append(address) }
        }
        let targetSize = Int(random.next(in: Int64(spec.sizes.lowerBound)...Int64(spec.sizes.upperBound)))
        let subject = MessageComposer.subjects[Int(random.next(below: UInt64(MessageComposer.subjects.count)))]
        let scheduled = scheduledAt(sequence)
        let messageID = "\(sequence).\(String(seed, radix: 16))@\(spec.senderDomain)"
        let sender = "bounces+\(job)@\(spec.senderDomain)"
        let headers = MessageComposer.headers(sender: sender, senderDomain: spec.senderDomain, recipients: recipients,
                                              subject: subject, date: scheduled, messageID: messageID,
                                              jobID: job, virtualMTA: spec.virtualMTA)
        let size = max(targetSize, headers.utf8.count + 2)
        return PlannedMessage(sequence: sequence, scheduledAt: scheduled, sender: sender, recipients: recipients,
                              domain: domain, jobID: job, virtualMTA: spec.virtualMTA, messageID: messageID,
                              size: size, headers: headers, bodySeed: random.next())
    }
}
