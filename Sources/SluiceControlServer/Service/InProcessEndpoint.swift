import SluiceConfig
import SluiceControlProtocol
import SluiceCore
import Synchronization

/// A ``ControlEndpoint`` over a ``ControlService`` in the same process.
public struct InProcessEndpoint: ControlEndpoint {
    /// The control layer.
    public let service: ControlService
    /// Who the commands are attributed to (e.g. the local user, label `console`).
    public let actor: ControlActor
    /// Frames buffered for a slow consumer before the oldest are dropped (and counted).
    public let capacity: Int

    /// Creates an endpoint.
    public init(service: ControlService, actor: ControlActor, capacity: Int = 256) {
        self.service = service
        self.actor = actor
        self.capacity = capacity
    }

    /// Hands the command to the control layer as ``actor``.
    public func send(_ command: ControlOperation, reason: String?, ttlSeconds: Int?) async throws(ControlError) -> ControlResult {
        try await service.handle(command, reason: reason, ttlSeconds: ttlSeconds, by: actor)
    }

    /// Streams snapshots at the interval and events as published, dropping the oldest (and
    /// reporting how many) when the consumer falls `capacity` frames behind. Snapshots are always
    /// full: they are handed over as values, never encoded or decoded, so a delta would only add
    /// the cost of diffing and merging.
    public func subscribe(_ options: SubscribeOptions) -> AsyncThrowingStream<ControlFrame, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ControlFrame.self, throwing: (any Error).self,
                                                                    bufferingPolicy: .bufferingNewest(max(2, capacity)))
        guard SubscribeOptions.intervalRange.contains(options.intervalMs) else {
            continuation.finish(throwing: ControlError(.usage, "interval_ms must be between 100 and 60000"))
            return stream
        }
        let sink = DroppingSink(continuation)
        let subscription = options.events ? service.events.subscribe { sink.yield(.event($0)) } : nil
        let service = self.service
        let task = options.snapshots ? Task {
            while !Task.isCancelled {
                sink.yield(.snapshot(await service.snapshot()))
                try? await service.clock.sleep(for: TimeSpan(milliseconds: Int64(options.intervalMs)))
            }
        } : nil
        continuation.onTermination = { _ in
            if let subscription { service.events.unsubscribe(subscription) }
            task?.cancel()
        }
        return stream
    }
}

/// Yields into a bounded stream, counting what the buffer pushed out and reporting it as a
/// `dropped` frame once there is room.
private final class DroppingSink: Sendable {
    private let continuation: AsyncThrowingStream<ControlFrame, any Error>.Continuation
    private let dropped = Mutex(0)

    init(_ continuation: AsyncThrowingStream<ControlFrame, any Error>.Continuation) { self.continuation = continuation }

    func yield(_ frame: ControlFrame) {
        dropped.withLock { lost in
            if lost > 0 {
                let notice = lost
                lost = 0
                lost += Self.pushedOut(continuation.yield(.dropped(count: notice)))
            }
            lost += Self.pushedOut(continuation.yield(frame))
        }
    }

    /// How many frames a yield pushed out of the buffer (a pushed-out notice carries its count).
    private static func pushedOut(_ result: AsyncThrowingStream<ControlFrame, any Error>.Continuation.YieldResult) -> Int {
        guard case .dropped(let old) = result else { return 0 }
        if case .dropped(let n) = old { return n }
        return 1
    }
}
