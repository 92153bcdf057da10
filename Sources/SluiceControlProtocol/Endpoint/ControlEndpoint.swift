import SluiceBase

/// Where the console and the CLI send commands and get streams from: the daemon over its socket
/// (`ControlClient`, SluiceControlClient) or a control layer in the same process
/// (`InProcessEndpoint`, SluiceControlServer, for the embedded demo). Both behave the same, so the console never knows which it has.
public protocol ControlEndpoint: Sendable {
    /// Sends a command and returns its result.
    func send(_ command: ControlOperation, reason: String?, ttlSeconds: Int?) async throws(ControlError) -> ControlResult
    /// Streams snapshots and events until the consumer stops iterating.
    func subscribe(_ options: SubscribeOptions) -> AsyncThrowingStream<ControlFrame, any Error>
}
