import SluiceConfig
import SluiceControlServer
import SluiceCore
import SluiceSandbox
import SluiceServer

extension DemoRun {
    /// Where the simulated receivers stand on 127.0.0.1, by profile: the ports the configuration
    /// routes to. Nothing listens there; the ``SandboxTransport`` reaches the receivers in process.
    static let simulatedPorts = ["gmail": 2601, "yahoo": 2602, "outlook": 2603, "generic": 2604]

    /// The demo's scenario on virtual time, without sockets: the same receivers, configuration,
    /// node and traffic plan as ``start(_:)``, with every time taken from `clock` — the receivers'
    /// incidents and rate limits, the plan's send times, the node's timers. The node delivers
    /// through a ``SandboxTransport`` (the loopback guard still asked before every connection);
    /// the plan's messages are injected in process (``MailNode/receive(_:)``). There is no control
    /// socket; ``controlEndpoint(actor:)`` works as on a wall-clock run.
    ///
    /// Nothing happens until ``advance(by:)`` moves the clock; how long each step takes in real
    /// time does not change what happens.
    ///
    /// - Throws: ``DemoError``; whatever had started is stopped again.
    public static func simulate(_ options: DemoOptions, clock: VirtualClock) async throws -> DemoRun {
        let setup = try DemoSetup(options: options, clock: clock)
        var started: (node: MailNode, subscription: EventHub.Subscription)?
        do {
            let receivers = try setup.receivers()
            let model = try setup.configuration(receiverPorts: simulatedPorts, controlSocket: setup.directory + "/control.sock")
            var network: [ListenAddress: SandboxReceiver] = [:]
            for (name, receiver) in receivers {
                if let port = simulatedPorts[name] { network[.loopback(port: port)] = receiver }
            }
            var nodeOptions = setup.nodeOptions()
            nodeOptions.smtpListeners = []
            nodeOptions.controlSocketPath = ""
            let replies = ObservedClock(clock)
            nodeOptions.transport = SandboxTransport(receivers: network, clock: replies, allows: setup.deliveryGuard.allows)
            let (node, subscription) = try await setup.startNode(model, nodeOptions)
            started = (node, subscription)
            let injector = PlanInjector(plan: try setup.plan(), node: node, clock: clock)
            return DemoRun(setup: setup, node: node, subscription: subscription, receivers: receivers, network: nil,
                           traffic: injector, simulation: SimulationDriver(clock: clock, replies: replies, node: node, injector: injector))
        } catch {
            throw await setup.abandon(started, because: error)
        }
    }
}
