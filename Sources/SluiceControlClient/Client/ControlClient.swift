import Foundation
import NIOCore
import NIOPosix
import SluiceControlProtocol
import SluiceBase

/// A client of the control socket, used by the CLI and the console.
///
/// Each ``send(_:reason:ttlSeconds:)`` opens a connection, sends one request and waits for its
/// response; ``subscribe(_:)`` keeps a connection open and streams frames.
public struct ControlClient: Sendable {
    /// The socket's path.
    public let socketPath: String
    /// The client kind sent with requests (`cli` or `console`), recorded as live overrides' origin.
    public let client: String
    private let group: any EventLoopGroup

    /// The longest line accepted from the daemon (a snapshot of a very large node).
    static let maxLineLength = 64 << 20

    /// Creates a client.
    public init(socketPath: String, client: String = "cli",
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.socketPath = socketPath
        self.client = client
        self.group = group
    }

    /// The socket path: `explicit` if given, else `$SLUICE_SOCKET`, else `/var/spool/sluice/control.sock`.
    public static func defaultSocketPath(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = environment["SLUICE_SOCKET"], !env.isEmpty { return env }
        return "/var/spool/sluice/control.sock"
    }

    /// Sends `command` and returns its result.
    ///
    /// - Throws: ``ControlError``: `unavailable` ("no daemon at PATH") when nothing answers at the
    ///   socket, the daemon's error (`unknown-queue`, `permission-denied`, …) otherwise.
    public func send(_ command: ControlOperation, reason: String? = nil, ttlSeconds: Int? = nil) async throws(ControlError) -> ControlResult {
        let request = ControlRequestLine(id: 1, command: command, reason: reason, ttlSeconds: ttlSeconds, client: client)
        let line = try encodeLine(request)
        let channel = try await connect()
        do {
            return try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(line)
                for try await reply in inbound {
                    let data = Data(reply.readableBytesView)
                    let head = try JSONDecoder().decode(ResponseHead.self, from: data)
                    if let error = head.error { throw error }
                    guard head.id == request.id, head.ok == true else { continue }
                    let decoder = JSONDecoder()
                    decoder.userInfo[ResponseBody.commandKey] = command
                    guard let result = try decoder.decode(ResponseBody.self, from: data).result else {
                        throw ControlError(.internal, "the daemon's response has no result")
                    }
                    return result
                }
                throw ControlError(.unavailable, "the daemon at \(socketPath) closed the connection without answering")
            }
        } catch {
            throw classify(error)
        }
    }

    /// Subscribes to snapshots and events. The daemon sends snapshot deltas between full
    /// snapshots; they are merged here (``SnapshotMerger``), so the stream yields full
    /// ``ControlFrame/snapshot(_:)`` frames only. The stream ends when the daemon closes the connection
    /// or the consumer stops iterating; it fails with a ``ControlError`` when the subscription is
    /// refused or the socket cannot be reached.
    public func subscribe(_ options: SubscribeOptions = SubscribeOptions()) -> AsyncThrowingStream<ControlFrame, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let request = ControlRequestLine(id: 1, subscribe: options, client: client)
                    let line = try encodeLine(request)
                    let channel = try await connect()
                    try await channel.executeThenClose { inbound, outbound in
                        try await outbound.write(line)
                        var acknowledged = false
                        var merger = SnapshotMerger()
                        for try await reply in inbound {
                            let data = Data(reply.readableBytesView)
                            if !acknowledged {
                                let head = try JSONDecoder().decode(ResponseHead.self, from: data)
                                if let error = head.error { throw error }
                                acknowledged = head.ok == true
                                continue
                            }
                            let frame = try JSONDecoder().decode(ControlFrame.self, from: data)
                            if let merged = merger.receive(frame) { continuation.yield(merged) }
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: classify(error))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func encodeLine(_ request: ControlRequestLine) throws(ControlError) -> ByteBuffer {
        do {
            var data = try controlJSONEncoder().encode(request)
            data.append(0x0a)
            return ByteBuffer(bytes: data)
        } catch {
            throw ControlError(.usage, "cannot encode request: \(error)")
        }
    }

    private func connect() async throws(ControlError) -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        do {
            return try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(5))
                .connect(unixDomainSocketPath: socketPath) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(LineFrameDecoder(maxLength: Self.maxLineLength)))
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw ControlError(.unavailable, "no daemon at \(socketPath) (\(Self.reason(error)))")
        }
    }

    private func classify(_ error: any Error) -> ControlError {
        if let error = error as? ControlError { return error }
        if error is DecodingError { return ControlError(.internal, "unreadable response from the daemon at \(socketPath)") }
        return ControlError(.unavailable, "lost the connection to the daemon at \(socketPath) (\(Self.reason(error)))")
    }

    private static func reason(_ error: any Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        return "\(error)"
    }
}

extension ControlClient: ControlEndpoint {}
