import NIOCore

/// How the server installs TLS on a connection at STARTTLS. Built by ``SMTPServerTLS/init(starter:)``
/// from a TLS library; the starter adds the TLS handler at the front of the channel's pipeline
/// and completes when the handshake has finished.
public struct SMTPServerTLS: Sendable {
    let starter: @Sendable (any Channel) -> EventLoopFuture<Void>

    /// Creates the set-up from a function that adds TLS to a channel.
    public init(starter: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>) {
        self.starter = starter
    }
}
