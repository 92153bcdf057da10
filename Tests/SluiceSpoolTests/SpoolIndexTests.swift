import SluiceBase
import Testing
@testable import SluiceSpool

@Suite("Spool index")
struct SpoolIndexTests {
    private func location(_ segment: UInt32, _ offset: Int64 = 0) -> SpoolIndex.Location {
        SpoolIndex.Location(segment: segment, offset: offset, length: 100)
    }

    @Test("Final outcomes finish a message once; deferrals keep it with attempts and retry time")
    func applyProgress() {
        var index = SpoolIndex()
        index.addSegment(1)
        index.insert(MessageID(1), at: location(1), contentSize: 10, receivedAt: .zero, states: [RecipientState(), RecipientState()])
        #expect(index.apply(RecipientProgress(message: MessageID(1), recipient: 0, outcome: .deferred(nextAttempt: Instant(milliseconds: 5000)), attempts: 1)) == .updated)
        #expect(index.messages[MessageID(1)]?.states[0] == RecipientState(done: false, attempts: 1, nextAttempt: 5000))
        #expect(index.apply(RecipientProgress(message: MessageID(1), recipient: 0, outcome: .delivered, attempts: 2)) == .updated)
        #expect(index.apply(RecipientProgress(message: MessageID(1), recipient: 0, outcome: .delivered, attempts: 3)) == .ignored)
        #expect(index.apply(RecipientProgress(message: MessageID(1), recipient: 7, outcome: .delivered, attempts: 1)) == .ignored)
        #expect(index.segments[1]?.liveMessages == 1)
        #expect(index.apply(RecipientProgress(message: MessageID(1), recipient: 1, outcome: .bounced, attempts: 1)) == .finished)
        #expect(!index.contains(MessageID(1)))
        #expect(index.segments[1]?.liveMessages == 0)
        #expect(index.apply(RecipientProgress(message: MessageID(1), recipient: 1, outcome: .delivered, attempts: 1)) == .ignored)
    }

    @Test("Only the oldest segments without live messages are reclaimable, never the active one")
    func reclaimablePrefix() {
        var index = SpoolIndex()
        for s: UInt32 in 1...4 { index.addSegment(s) }
        index.insert(MessageID(1), at: location(1), contentSize: 1, receivedAt: .zero, states: [RecipientState()])
        index.insert(MessageID(2), at: location(3), contentSize: 1, receivedAt: .zero, states: [RecipientState()])
        #expect(index.reclaimablePrefix(active: 4) == [])
        index.apply(RecipientProgress(message: MessageID(1), recipient: 0, outcome: .delivered, attempts: 1))
        #expect(index.reclaimablePrefix(active: 4) == [1, 2])
        index.apply(RecipientProgress(message: MessageID(2), recipient: 0, outcome: .expired, attempts: 1))
        #expect(index.reclaimablePrefix(active: 4) == [1, 2, 3])
        #expect(index.reclaimablePrefix(active: 2) == [1])
    }

    @Test("A rewritten record replaces the old one and moves the message's segment")
    func rewriteMoves() {
        var index = SpoolIndex()
        index.insert(MessageID(9), at: location(1), contentSize: 1, receivedAt: .zero, states: [RecipientState(), RecipientState()])
        let state = [RecipientState(done: true, attempts: 1), RecipientState(done: false, attempts: 3, nextAttempt: 77)]
        index.insert(MessageID(9), at: location(5, 40), contentSize: 1, receivedAt: .zero, states: state)
        #expect(index.segments[1]?.liveMessages == 0)
        #expect(index.segments[5]?.liveMessages == 1)
        #expect(index.messages[MessageID(9)]?.remaining == 1)
        #expect(index.liveMessages(in: 5) == [MessageID(9)])
        // A record whose recipients are all done is not live at all.
        let live = index.insert(MessageID(10), at: location(5), contentSize: 1, receivedAt: .zero, states: [RecipientState(done: true)])
        #expect(!live)
        #expect(!index.contains(MessageID(10)))
    }

    @Test("Compaction picks the oldest segment only when its live data is small against what it frees")
    func compactionCandidate() {
        var index = SpoolIndex()
        for s: UInt32 in 1...6 { index.addSegment(s) }
        let big = SpoolIndex.Location(segment: 1, offset: 0, length: 300)
        index.insert(MessageID(1), at: big, contentSize: 1, receivedAt: .zero, states: [RecipientState()])
        // 300 live bytes in segment 1; segments 2...5 are dead: deleting 1 frees 5 x 1000 bytes.
        #expect(index.compactionCandidate(active: 6, segmentSize: 1000, minimumSegments: 4) == 1)
        #expect(index.compactionCandidate(active: 6, segmentSize: 1000, minimumSegments: 6) == nil)
        // Live data in segment 3 ends the dead run: 1 + 2 free 2000 bytes, 300 x 4 <= 2000 still.
        index.insert(MessageID(2), at: SpoolIndex.Location(segment: 3, offset: 0, length: 900), contentSize: 1,
                     receivedAt: .zero, states: [RecipientState()])
        #expect(index.compactionCandidate(active: 6, segmentSize: 1000, minimumSegments: 4) == 1)
        // A mostly live oldest segment is left alone.
        index.insert(MessageID(3), at: SpoolIndex.Location(segment: 1, offset: 300, length: 400), contentSize: 1,
                     receivedAt: .zero, states: [RecipientState()])
        #expect(index.compactionCandidate(active: 6, segmentSize: 1000, minimumSegments: 4) == nil)
        #expect(index.compactionCandidate(active: 1, segmentSize: 1000, minimumSegments: 0) == nil)
    }
}
