import SluiceBase

/// The spool's in-memory index: where each live message's record is, each recipient's state, and
/// how many live messages each segment still holds. Pure bookkeeping, shared by recovery and the
/// running spool; a message is live while it has a recipient without a final outcome.
struct SpoolIndex {
    /// Where a record lies.
    struct Location: Equatable {
        var segment: UInt32
        /// Offset of the record's header in the segment file.
        var offset: Int64
        /// Length of the whole record, header included.
        var length: Int
    }

    /// A live message.
    struct Entry: Equatable {
        var location: Location
        var contentSize: Int
        var receivedAt: Instant
        var states: [RecipientState]
        /// Recipients without a final outcome.
        var remaining: Int
    }

    /// Live messages and bytes per segment.
    struct SegmentUsage: Equatable {
        var liveMessages = 0
        var liveBytes = 0
    }

    private(set) var messages: [MessageID: Entry] = [:]
    private(set) var segments: [UInt32: SegmentUsage] = [:]

    /// Segment numbers, oldest first.
    var segmentNumbers: [UInt32] { segments.keys.sorted() }

    /// Registers an (empty) segment.
    mutating func addSegment(_ number: UInt32) {
        if segments[number] == nil { segments[number] = SegmentUsage() }
    }

    /// Forgets a segment; callers only remove segments without live messages.
    mutating func removeSegment(_ number: UInt32) {
        segments[number] = nil
    }

    /// Records a message record at `location`. A record for an id already present is a rewrite
    /// (compaction) and replaces it, state included. Returns whether the message is live.
    @discardableResult
    mutating func insert(_ id: MessageID, at location: Location, contentSize: Int, receivedAt: Instant,
                         states: [RecipientState]) -> Bool {
        if let old = messages.removeValue(forKey: id) { release(old) }
        let remaining = states.reduce(0) { $0 + ($1.done ? 0 : 1) }
        guard remaining > 0 else { return false }
        let entry = Entry(location: location, contentSize: contentSize, receivedAt: receivedAt,
                          states: states, remaining: remaining)
        messages[id] = entry
        segments[location.segment, default: SegmentUsage()].liveMessages += 1
        segments[location.segment, default: SegmentUsage()].liveBytes += location.length
        return true
    }

    /// What applying one progress entry did.
    enum Applied: Equatable {
        /// The message or recipient is unknown, or the recipient was already finished.
        case ignored
        /// The recipient's state changed; the message is still live.
        case updated
        /// That was the message's last recipient: it is no longer live.
        case finished
    }

    /// Applies one progress entry.
    @discardableResult
    mutating func apply(_ progress: RecipientProgress) -> Applied {
        guard var entry = messages[progress.message],
              entry.states.indices.contains(progress.recipient),
              !entry.states[progress.recipient].done
        else { return .ignored }
        var state = entry.states[progress.recipient]
        state.attempts = max(state.attempts, UInt32(clamping: progress.attempts))
        switch progress.outcome {
        case let .deferred(next):
            state.nextAttempt = next.milliseconds
        case .delivered, .bounced, .expired, .deleted:
            state.done = true
            state.nextAttempt = nil
            entry.remaining -= 1
        }
        entry.states[progress.recipient] = state
        if entry.remaining == 0 {
            messages[progress.message] = nil
            release(entry)
            return .finished
        }
        messages[progress.message] = entry
        return .updated
    }

    /// Whether `id` is live.
    func contains(_ id: MessageID) -> Bool { messages[id] != nil }

    /// The oldest segments, in order, that hold no live message, stopping at the first that
    /// does or at `active`. Deleting only this prefix is what keeps recovery correct: a segment's
    /// progress records only ever refer to messages in it or in older segments.
    func reclaimablePrefix(active: UInt32?) -> [UInt32] {
        var out: [UInt32] = []
        for number in segmentNumbers {
            guard number != active, let usage = segments[number], usage.liveMessages == 0 else { break }
            out.append(number)
        }
        return out
    }

    /// The oldest segment, when rewriting its live messages elsewhere is worth it: there are more
    /// than `minimumSegments` segments, it is not `active`, and its live bytes are at most a
    /// quarter of what deleting it frees (itself plus the run of segments without live messages
    /// right after it). A spool that is simply full of live mail is left alone.
    func compactionCandidate(active: UInt32, segmentSize: Int64, minimumSegments: Int) -> UInt32? {
        let numbers = segmentNumbers
        guard numbers.count > minimumSegments, let head = numbers.first, head != active,
              let usage = segments[head], usage.liveMessages > 0
        else { return nil }
        var freed = segmentSize
        for number in numbers.dropFirst() {
            guard number != active, segments[number]?.liveMessages == 0 else { break }
            freed += segmentSize
        }
        return Int64(usage.liveBytes) * 4 <= freed ? head : nil
    }

    /// The live messages whose current record is in `segment`, in id order.
    func liveMessages(in segment: UInt32) -> [MessageID] {
        messages.compactMap { $0.value.location.segment == segment ? $0.key : nil }.sorted()
    }

    private mutating func release(_ entry: Entry) {
        segments[entry.location.segment]?.liveMessages -= 1
        segments[entry.location.segment]?.liveBytes -= entry.location.length
    }
}
