import Foundation
import NIOCore
import SluiceConfig
import SluiceControlProtocol
import SluiceCore

/// Serves one control-socket connection: decodes request lines, answers them through the command
/// layer, and runs at most one subscription (snapshots on a timer, full or as deltas chosen by a
/// ``SnapshotFramer``, and events from the hub) through a
/// bounded ``SubscriberOutbox``. A client may half-close after its requests (`socat`, `nc -U`):
/// the connection closes once they are answered, unless it subscribed.
final class ControlConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Requests answered concurrently on one connection before further ones are refused.
    static let maxInFlight = 32

    private let service: ControlService
    private let peer: PeerCredentials
    private let user: String?
    private let outboxCapacity: Int
    private var outbox: SubscriberOutbox?
    private var hubSubscription: EventHub.Subscription?
    private var snapshotTask: Task<Void, Never>?
    private var inFlight = 0
    private var inputClosed = false

    /// Fired through the pipeline once a response has been written.
    struct RequestAnswered: Sendable {}

    init(service: ControlService, peer: PeerCredentials, outboxCapacity: Int) {
        self.service = service
        self.peer = peer
        self.user = userName(of: peer.uid)
        self.outboxCapacity = outboxCapacity
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = Self.unwrapInboundIn(data)
        let channel = context.channel
        let request: ControlRequestLine
        do {
            request = try JSONDecoder().decode(ControlRequestLine.self, from: Data(line.readableBytesView))
        } catch {
            Self.write(.failure(id: Self.requestID(in: line), ControlError(.usage, "bad request: \(Self.describe(error))")), to: channel)
            return
        }
        if let options = request.subscribe {
            startSubscription(request.id, options, context: context)
            return
        }
        guard let command = request.command else {
            Self.write(.failure(id: request.id, ControlError(.usage, "a request needs \"command\" or \"subscribe\"")), to: channel)
            return
        }
        guard inFlight < Self.maxInFlight else {
            Self.write(.failure(id: request.id, ControlError(.refused, "too many requests in flight on this connection")), to: channel)
            return
        }
        inFlight += 1
        let label = Self.clientLabel(request.client)
        let actor = ControlActor.socketPeer(uid: peer.uid, user: user, label: label)
        let service = self.service
        Task { await ControlConnectionHandler.answer(request, command: command, by: actor, service: service, channel: channel) }
    }

    private static func answer(_ request: ControlRequestLine, command: ControlOperation, by actor: ControlActor,
                               service: ControlService, channel: any Channel) async {
        let response: ControlResponse
        switch await service.result(of: command, reason: request.reason, ttlSeconds: request.ttlSeconds, by: actor) {
        case .success(let result): response = .success(id: request.id, result)
        case .failure(let error): response = .failure(id: request.id, error)
        }
        write(response, to: channel).whenComplete { _ in
            channel.pipeline.fireUserInboundEventTriggered(RequestAnswered())
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is RequestAnswered:
            inFlight -= 1
        case ChannelEvent.inputClosed:
            inputClosed = true
        default:
            context.fireUserInboundEventTriggered(event)
            return
        }
        if inputClosed, inFlight == 0, outbox == nil { context.close(promise: nil) }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        outbox?.writabilityChanged()
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopSubscription()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is LineFrameDecoder.LineTooLong {
            Self.write(.failure(id: nil, ControlError(.usage, "request line too long")), to: context.channel)
        }
        stopSubscription()
        context.close(promise: nil)
    }

    private func startSubscription(_ id: Int, _ options: SubscribeOptions, context: ChannelHandlerContext) {
        guard outbox == nil else {
            Self.write(.failure(id: id, ControlError(.usage, "this connection is already subscribed")), to: context.channel)
            return
        }
        guard SubscribeOptions.intervalRange.contains(options.intervalMs) else {
            Self.write(.failure(id: id, ControlError(.usage, "interval_ms must be between 100 and 60000")), to: context.channel)
            return
        }
        let outbox = SubscriberOutbox(channel: context.channel, capacity: outboxCapacity)
        self.outbox = outbox
        outbox.send(.success(id: id, nil))
        if options.events {
            hubSubscription = service.events.subscribe { outbox.offer(.event($0)) }
        }
        if options.snapshots {
            let service = self.service
            let interval = TimeSpan(milliseconds: Int64(options.intervalMs))
            snapshotTask = Task {
                var framer = SnapshotFramer()
                var droppedBefore = outbox.droppedTotal
                while !Task.isCancelled {
                    let snapshot = await service.snapshot()
                    let dropped = outbox.droppedTotal
                    outbox.offer(framer.frame(for: snapshot, framesDropped: dropped != droppedBefore))
                    droppedBefore = dropped
                    try? await service.clock.sleep(for: interval)
                }
            }
        }
    }

    private func stopSubscription() {
        if let hubSubscription { service.events.unsubscribe(hubSubscription) }
        hubSubscription = nil
        snapshotTask?.cancel()
        snapshotTask = nil
        outbox?.close()
    }

    /// `cli` unless the client named itself `console` (other names are not trusted as labels).
    static func clientLabel(_ declared: String?) -> String {
        declared == "console" ? "console" : "cli"
    }

    @discardableResult
    static func write(_ response: ControlResponse, to channel: any Channel) -> EventLoopFuture<Void> {
        guard var data = try? controlJSONEncoder().encode(response) else {
            return channel.eventLoop.makeFailedFuture(ControlError(.internal, "cannot encode a response"))
        }
        data.append(0x0a)
        return channel.writeAndFlush(channel.allocator.buffer(bytes: data))
    }

    /// The `id` of a request that did not decode, when it has a numeric one.
    private static func requestID(in line: ByteBuffer) -> Int? {
        struct IDOnly: Decodable { var id: Int? }
        return (try? JSONDecoder().decode(IDOnly.self, from: Data(line.readableBytesView)))?.id
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c): return c.debugDescription
        case DecodingError.keyNotFound(let key, _): return "missing \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let c): return "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.valueNotFound(_, let c): return "missing value at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        default: return "not JSON"
        }
    }
}
