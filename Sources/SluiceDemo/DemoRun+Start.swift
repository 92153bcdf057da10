import NIOPosix
import SluiceConfig
import SluiceCore
import SluiceControlServer
import SluiceSandbox
import SluiceSandboxServer
import SluiceServer

extension DemoRun {
    /// Starts the receivers on free loopback ports, the node (its SMTP listener on 127.0.0.1, its
    /// control socket, every delivery checked by the ``LoopbackGuard``) and the traffic generator
    /// injecting over SMTP, all on the wall clock.
    ///
    /// - Throws: ``DemoError``; whatever had started is stopped again.
    public static func start(_ options: DemoOptions) async throws -> DemoRun {
        let setup = try DemoSetup(options: options, clock: WallClock())
        var servers: [String: SandboxServer] = [:]
        var started: (node: MailNode, subscription: EventHub.Subscription)?
        do {
            let receivers = try setup.receivers()
            for (name, receiver) in receivers {
                servers[name] = try await SandboxServer.start(host: .v4(0x7F00_0001), port: 0, receiver: receiver,
                                                              group: MultiThreadedEventLoopGroup.singleton)
            }
            let socket = options.controlSocket ?? setup.directory + "/control.sock"
            let model = try setup.configuration(receiverPorts: servers.mapValues(\.port), controlSocket: socket)
            var nodeOptions = setup.nodeOptions()
            nodeOptions.smtpListeners = [.loopback(port: 0)]
            nodeOptions.controlSocketPath = socket
            nodeOptions.deliveryGuard = setup.deliveryGuard.allows
            let (node, subscription) = try await setup.startNode(model, nodeOptions)
            started = (node, subscription)
            guard let port = await node.smtpPorts.first else { throw DemoError.start(part: "the MTA", reason: "no SMTP listener") }
            let generator = TrafficGenerator(plan: try setup.plan(), host: "127.0.0.1", port: port, connections: options.connections,
                                             group: MultiThreadedEventLoopGroup.singleton)
            let network = DemoNetwork(smtpPort: port, controlSocketPath: await node.controlSocketPath ?? socket, servers: servers)
            return DemoRun(setup: setup, node: node, subscription: subscription, receivers: receivers, network: network,
                           traffic: GeneratorTraffic(generator), simulation: nil)
        } catch {
            for server in servers.values { try? await server.close() }
            throw await setup.abandon(started, because: error)
        }
    }
}
