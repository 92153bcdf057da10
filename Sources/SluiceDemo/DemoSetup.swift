import SluiceConfig
import SluiceControlServer
import SluiceCore
import SluiceSandbox
import SluiceServer

/// What every demo run sets up alike, on the wall clock or a virtual one: its directory and log,
/// the sandbox receivers, the embedded configuration, the node, the tally fed by the node's
/// events, the traffic plan.
struct DemoSetup: Sendable {
    let options: DemoOptions
    let directory: String
    let removesDirectory: Bool
    let log: DemoLog
    let clock: any Clock
    /// When the run started: receivers' incidents and the plan's schedule count from here.
    let startedAt: Instant
    let counters = DemoCounters()

    /// Makes the directory and opens its log.
    init(options: DemoOptions, clock: any Clock) throws {
        let (directory, removes) = try DemoDirectory.prepare(options.directory)
        do { log = try DemoLog(path: directory + "/sluice.log") } catch {
            DemoDirectory.remove(directory, if: removes)
            throw error
        }
        self.options = options
        self.directory = directory
        self.removesDirectory = removes
        self.clock = clock
        startedAt = clock.now()
    }

    /// The spool directory.
    var spoolDirectory: String { directory + "/spool" }

    /// A receiver per profile of ``DemoConfiguration/profiles``, on the run's seed and start.
    func receivers() throws -> [String: SandboxReceiver] {
        let library = ProfileLibrary()
        var receivers: [String: SandboxReceiver] = [:]
        for name in DemoConfiguration.profiles {
            receivers[name] = SandboxReceiver(profile: try library.load(name), seed: options.seed, startedAt: startedAt)
        }
        return receivers
    }

    /// The embedded configuration routing each profile's domains to `receiverPorts` on 127.0.0.1,
    /// with the blocklist watch when the sandbox's DNS blocklist listens on `dnsServerPort`.
    func configuration(receiverPorts: [String: Int], controlSocket: String,
                       dnsServerPort: Int? = nil) throws(DemoError) -> ConfigModel {
        let loaded = DemoConfiguration(receiverPorts: receiverPorts, spoolDirectory: spoolDirectory,
                                       accountingFile: directory + "/acct.csv", controlSocket: controlSocket,
                                       dnsServerPort: dnsServerPort).load()
        guard !loaded.hasErrors else { throw .configuration(loaded.errors.map(\.description)) }
        return loaded.model
    }

    /// The loopback guard, counting its refusals and logging them.
    var deliveryGuard: DemoDeliveryGuard {
        let log = self.log
        return DemoDeliveryGuard(refusals: counters.refusals, log: { log.write($0) })
    }

    /// Node options with the run's spool, audit log, clock, shutdown grace and log; the caller
    /// sets the listeners, the control socket and the delivery.
    func nodeOptions() -> NodeOptions {
        let log = self.log
        return NodeOptions(spoolDirectory: spoolDirectory, auditLogPath: directory + "/audit.log", clock: clock,
                           shutdownGrace: .seconds(2), log: { log.write($0) })
    }

    /// Starts the node on `model` and feeds its delivery events to the tally.
    func startNode(_ model: ConfigModel, _ nodeOptions: NodeOptions) async throws(DemoError) -> (MailNode, EventHub.Subscription) {
        let node: MailNode
        do { node = try await MailNode.start(configuration: model, options: nodeOptions) } catch {
            throw .start(part: "the MTA", reason: "\(error)")
        }
        let counters = self.counters
        return (node, node.events.subscribe { event in counters.tally.withLock { $0.record(event) } })
    }

    /// The traffic: the options' rate, sizes and seed, for the demo's pool, starting now.
    func plan() throws(DemoError) -> TrafficPlan {
        let spec = TrafficSpec(rate: options.rate, virtualMTA: DemoConfiguration.poolName, sizes: options.messageSizes)
        do { return try TrafficPlan(spec: spec, seed: options.seed, start: clock.now()) } catch {
            throw .start(part: "the traffic generator", reason: "\(error)")
        }
    }

    /// Stops the node of a run that could not start (when it had started), closes the log,
    /// removes a temporary directory, and says why the run could not start.
    func abandon(_ started: (node: MailNode, subscription: EventHub.Subscription)?, because error: any Error) async -> DemoError {
        if let (node, subscription) = started {
            node.events.unsubscribe(subscription)
            await node.shutdown()
        }
        close()
        return error as? DemoError ?? .start(part: "the sandbox receivers", reason: "\(error)")
    }

    /// Closes the log and removes a temporary directory: at the end of a run, or when it could
    /// not start.
    func close() {
        log.close()
        DemoDirectory.remove(directory, if: removesDirectory)
    }
}
