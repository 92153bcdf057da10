import SluiceSandboxServer

/// The sockets of a demo run on the wall clock (``DemoRun/start(_:)``): the node's SMTP listener and
/// control socket, and a ``SandboxServer`` per receiver, all on loopback.
public struct DemoNetwork: Sendable {
    /// The node's SMTP port on 127.0.0.1.
    public let smtpPort: Int
    /// The control socket's path.
    public let controlSocketPath: String
    /// The receivers' servers by profile name.
    public let servers: [String: SandboxServer]

    /// Closes the receivers' servers.
    func close() async {
        for server in servers.values { try? await server.close() }
    }
}
