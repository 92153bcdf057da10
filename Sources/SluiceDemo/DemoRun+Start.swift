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
        var dnsServer: SandboxDNSServer?
        do {
            let receivers = try setup.receivers()
            for (name, receiver) in receivers {
                servers[name] = try await SandboxServer.start(host: .v4(0x7F00_0001), port: 0, receiver: receiver,
                                                              group: MultiThreadedEventLoopGroup.singleton)
            }
            let socket = options.controlSocket ?? setup.directory + "/control.sock"
            let dns = try await SandboxDNSServer.start(group: MultiThreadedEventLoopGroup.singleton)
            dnsServer = dns
            let model = try setup.configuration(receiverPorts: servers.mapValues(\.port), controlSocket: socket,
                                                dnsServerPort: dns.port)
            var nodeOptions = setup.nodeOptions()
            nodeOptions.smtpListeners = [.loopback(port: 0)]
            nodeOptions.controlSocketPath = socket
            nodeOptions.deliveryGuard = setup.deliveryGuard.allows
            let (node, subscription) = try await setup.startNode(model, nodeOptions)
            started = (node, subscription)
            guard let port = await node.smtpPorts.first else { throw DemoError.start(part: "the MTA", reason: "no SMTP listener") }
            let generator = TrafficGenerator(plan: try setup.plan(), host: "127.0.0.1", port: port, connections: options.connections,
                                             group: MultiThreadedEventLoopGroup.singleton)
            let network = DemoNetwork(smtpPort: port, controlSocketPath: await node.controlSocketPath ?? socket, servers: servers,
                                      dns: dns, turns: [deferLater(receivers: receivers, setup: setup),
                                                                listLater(dns: dns, receivers: receivers, setup: setup)])
            return DemoRun(setup: setup, node: node, subscription: subscription, receivers: receivers, network: network,
                           traffic: GeneratorTraffic(generator), simulation: nil)
        } catch {
            for server in servers.values { try? await server.close() }
            try? await dnsServer?.close()
            throw await setup.abandon(started, because: error)
        }
    }

    /// At ``DemoOptions/deferringAfter``, the Gmail receiver starts deferring
    /// ``DemoConfiguration/deferredVirtualMTA`` (drill B: the one vmta Gmail defers).
    private static func deferLater(receivers: [String: SandboxReceiver], setup: DemoSetup) -> Task<Void, Never> {
        let (clock, at, log) = (setup.clock, setup.startedAt + setup.options.deferringAfter, setup.log)
        return Task {
            do { try await clock.sleep(until: at) } catch { return }
            let deferred = DemoConfiguration.deferredVirtualMTA
            guard let address = IPAddress(deferred.address) else { return }
            receivers["gmail"]?.deferSource(address)
            log.write("demo: gmail now defers \(deferred.name) (\(deferred.address)) with 421 4.7.28")
        }
    }

    /// At ``DemoOptions/listingAfter``, the sandbox's DNS blocklist lists
    /// ``DemoConfiguration/listedVirtualMTA`` and the Gmail receiver starts refusing its address
    /// with a `550 5.7.1` naming the list; the node's blocklist watch then pauses the vmta.
    private static func listLater(dns: SandboxDNSServer, receivers: [String: SandboxReceiver], setup: DemoSetup) -> Task<Void, Never> {
        let (clock, at, log) = (setup.clock, setup.startedAt + setup.options.listingAfter, setup.log)
        return Task {
            do { try await clock.sleep(until: at) } catch { return }
            let listed = DemoConfiguration.listedVirtualMTA, zone = DemoConfiguration.blocklistZone
            guard let address = IPAddress(listed.address) else { return }
            dns.list(listed.address.split(separator: ".").reversed().joined(separator: ".") + "." + zone, answer: "127.0.0.2")
            receivers["gmail"]?.refuseSource(address, naming: zone)
            log.write("demo: \(listed.name) (\(listed.address)) is now listed on \(zone); gmail refuses it")
        }
    }
}
