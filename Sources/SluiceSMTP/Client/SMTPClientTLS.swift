import NIOCore

/// How the delivery client installs TLS after the peer's `220` to STARTTLS. The starter adds a
/// TLS handler at the front of the channel's pipeline (for the peer named by the second argument)
/// and completes when the handshake has finished.
public struct SMTPClientTLS: Sendable {
    let starter: @Sendable (any Channel, String) -> EventLoopFuture<Void>

    /// Creates the set-up from a function that adds TLS to a channel.
    public init(starter: @escaping @Sendable (_ channel: any Channel, _ serverName: String) -> EventLoopFuture<Void>) {
        self.starter = starter
    }
}
