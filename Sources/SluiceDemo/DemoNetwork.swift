import SluiceSandboxServer

/// The sockets of a demo run on the wall clock (``DemoRun/start(_:)``): the node's SMTP listener and
/// control socket, a ``SandboxServer`` per receiver and the sandbox's DNS blocklist, all on loopback.
public struct DemoNetwork: Sendable {
    /// The node's SMTP port on 127.0.0.1.
    public let smtpPort: Int
    /// The control socket's path.
    public let controlSocketPath: String
    /// The receivers' servers by profile name.
    public let servers: [String: SandboxServer]
    /// The sandbox's DNS blocklist (the node's `dns-server`).
    public let dns: SandboxDNSServer
    /// The demo's scripted turns: Gmail deferring ``DemoConfiguration/deferredVirtualMTA``,
    /// then the blocklist listing ``DemoConfiguration/listedVirtualMTA``.
    let turns: [Task<Void, Never>]

    /// Closes the receivers' servers and the DNS blocklist.
    func close() async {
        for turn in turns { turn.cancel() }
        for server in servers.values { try? await server.close() }
        try? await dns.close()
    }
}
