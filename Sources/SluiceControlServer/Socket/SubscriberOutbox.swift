import NIOCore
import SluiceControlProtocol
import Synchronization

/// A subscriber's bounded outbound queue. ``offer(_:)`` is called from any thread (the event
/// publisher, the snapshot timer), takes a lock for an append and returns; frames are encoded and
/// written on the channel's event loop only while the channel is writable. When the queue is full
/// the frame is dropped and counted, and the subscriber is later sent `{"type":"dropped","count":N}`
/// in the place where the frames went missing. The publisher never waits for the subscriber.
final class SubscriberOutbox: Sendable {
    private enum Entry { case frame(ControlFrame), dropped(Int), response(ControlResponse) }

    private struct State {
        var pending: [Entry] = []
        var head = 0
        var dropped = 0
        var droppedTotal = 0
        var drainScheduled = false
        var blocked = false
        var closed = false

        var count: Int { pending.count - head }
        mutating func popFirst() -> Entry? {
            guard head < pending.count else { return nil }
            let e = pending[head]
            head += 1
            if head > 64, head * 2 > pending.count { pending.removeFirst(head); head = 0 }
            return e
        }

        /// Marks a drain as scheduled unless one is already or the channel is blocked; true when
        /// the caller must schedule it.
        mutating func claimDrain() -> Bool {
            guard !drainScheduled, !blocked else { return false }
            drainScheduled = true
            return true
        }
    }

    private let channel: any Channel
    private let capacity: Int
    private let state = Mutex(State())

    /// Creates an outbox holding at most `capacity` frames for `channel`.
    init(channel: any Channel, capacity: Int) {
        self.channel = channel
        self.capacity = max(1, capacity)
    }

    /// Frames dropped since the subscription began (for tests and stats).
    var droppedTotal: Int { state.withLock { $0.droppedTotal } }

    /// Queues a frame, or drops and counts it when the queue is full. Never blocks.
    func offer(_ frame: ControlFrame) {
        let schedule = state.withLock { s -> Bool in
            guard !s.closed else { return false }
            guard s.count < capacity else {
                s.dropped += 1
                s.droppedTotal += 1
                return false
            }
            if s.dropped > 0 {
                s.pending.append(.dropped(s.dropped))
                s.dropped = 0
            }
            s.pending.append(.frame(frame))
            return s.claimDrain()
        }
        if schedule { channel.eventLoop.execute { self.drain() } }
    }

    /// Queues a response (the subscription's acknowledgement); responses are never dropped.
    func send(_ response: ControlResponse) {
        let schedule = state.withLock { s -> Bool in
            guard !s.closed else { return false }
            s.pending.append(.response(response))
            return s.claimDrain()
        }
        if schedule { channel.eventLoop.execute { self.drain() } }
    }

    /// Called on the event loop when the channel's writability changes.
    func writabilityChanged() {
        guard channel.isWritable else { return }
        let schedule = state.withLock { s -> Bool in
            s.blocked = false
            return s.claimDrain()
        }
        if schedule { drain() }
    }

    /// Stops accepting frames and forgets the queued ones.
    func close() {
        state.withLock { s in
            s.closed = true
            s.pending = []
            s.head = 0
        }
    }

    private func drain() {
        let encoder = controlJSONEncoder()
        var wrote = false
        while true {
            let writable = channel.isWritable
            let next = state.withLock { s -> Entry? in
                guard writable else {
                    s.blocked = true
                    s.drainScheduled = false
                    return nil
                }
                if let e = s.popFirst() { return e }
                if s.dropped > 0 {
                    defer { s.dropped = 0 }
                    return .dropped(s.dropped)
                }
                s.drainScheduled = false
                return nil
            }
            guard let next else { break }
            let data: [UInt8]
            do {
                switch next {
                case .frame(let f): data = Array(try encoder.encode(f))
                case .dropped(let n): data = Array(try encoder.encode(ControlFrame.dropped(count: n)))
                case .response(let r): data = Array(try encoder.encode(r))
                }
            } catch {
                continue
            }
            var buffer = channel.allocator.buffer(capacity: data.count + 1)
            buffer.writeBytes(data)
            buffer.writeInteger(UInt8(0x0a))
            channel.write(buffer, promise: nil)
            wrote = true
        }
        if wrote { channel.flush() }
    }
}
