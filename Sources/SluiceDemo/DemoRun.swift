import Foundation
import NIOPosix
import SluiceConfig
import SluiceControlProtocol
import SluiceControlServer
import SluiceCore
import SluiceSandbox
import SluiceSandboxServer
import SluiceServer
import Synchronization

/// A running demo in one process: four sandbox receivers (gmail, yahoo, outlook, generic) on
/// free loopback ports, a ``MailNode`` on the embedded ``DemoConfiguration`` whose every delivery
/// the ``LoopbackGuard`` checks, and the ``TrafficGenerator`` injecting into the node.
///
/// ```swift
/// let run = try await DemoRun.start(DemoOptions(rate: 200))
/// … run.sample() every second, or a console on run.node.controlService …
/// let summary = await run.finish()
/// print(summary.text)
/// ```
public final class DemoRun: Sendable {
    /// The MTA.
    public let node: MailNode
    /// The directory holding the spool, `sluice.log` and `acct.csv`.
    public let directory: String
    /// The control socket's path.
    public let controlSocketPath: String
    /// The node's SMTP port on 127.0.0.1.
    public let smtpPort: Int
    /// The receivers by profile name.
    public let receivers: [String: SandboxServer]
    /// The options it runs with.
    public let options: DemoOptions

    private let removesDirectory: Bool
    private let generator: TrafficGenerator
    private let traffic: Mutex<Task<Void, Never>?>
    private let trafficEnded: Mutex<Instant?>
    private let counters: DemoCounters
    private let log: DemoLog
    private let subscription: EventHub.Subscription
    private let clock = WallClock()
    private let startedAt: Instant

    private init(node: MailNode, directory: String, removesDirectory: Bool, controlSocketPath: String, smtpPort: Int,
                 receivers: [String: SandboxServer], generator: TrafficGenerator, counters: DemoCounters, log: DemoLog, subscription: EventHub.Subscription, options: DemoOptions, startedAt: Instant) {
        self.node = node
        self.directory = directory
        self.removesDirectory = removesDirectory
        self.controlSocketPath = controlSocketPath
        self.smtpPort = smtpPort
        self.receivers = receivers
        self.generator = generator
        self.traffic = Mutex(nil)
        self.trafficEnded = Mutex(nil)
        self.counters = counters
        self.log = log
        self.subscription = subscription
        self.options = options
        self.startedAt = startedAt
    }

    // MARK: - Starting

    /// Starts the receivers, the node and the traffic.
    ///
    /// - Throws: ``DemoError``; whatever had started is stopped again.
    public static func start(_ options: DemoOptions) async throws -> DemoRun {
        let (directory, removesDirectory) = try prepareDirectory(options.directory)
        let log: DemoLog
        do { log = try DemoLog(path: directory + "/sluice.log") } catch {
            if removesDirectory { try? FileManager.default.removeItem(atPath: directory) }
            throw error
        }
        let startedAt = WallClock().now()
        var receivers: [String: SandboxServer] = [:]
        do {
            let library = ProfileLibrary()
            for name in DemoConfiguration.profiles {
                let receiver = SandboxReceiver(profile: try library.load(name), seed: options.seed, startedAt: startedAt)
                receivers[name] = try await SandboxServer.start(host: .v4(0x7F00_0001), port: 0, receiver: receiver,
                                                                group: MultiThreadedEventLoopGroup.singleton)
            }
            let socket = options.controlSocket ?? directory + "/control.sock"
            let configuration = DemoConfiguration(
                receiverPorts: receivers.mapValues(\.port), spoolDirectory: directory + "/spool",
                accountingFile: directory + "/acct.csv", controlSocket: socket)
            let loaded = configuration.load()
            guard !loaded.hasErrors else { throw DemoError.configuration(loaded.errors.map(\.description)) }
            let counters = DemoCounters()
            let deliveryGuard = DemoDeliveryGuard(refusals: counters.refusals, log: { log.write($0) })
            let nodeOptions = NodeOptions(
                smtpListeners: [.loopback(port: 0)], spoolDirectory: configuration.spoolDirectory,
                controlSocketPath: socket, auditLogPath: directory + "/audit.log", deliveryGuard: deliveryGuard.allows,
                shutdownGrace: .seconds(2), log: { log.write($0) })
            let node: MailNode
            do { node = try await MailNode.start(configuration: loaded.model, options: nodeOptions) } catch {
                throw DemoError.start(part: "the MTA", reason: "\(error)")
            }
            guard let port = await node.smtpPorts.first else {
                await node.shutdown()
                throw DemoError.start(part: "the MTA", reason: "no SMTP listener")
            }
            let subscription = node.events.subscribe { event in counters.tally.withLock { $0.record(event) } }
            let spec = TrafficSpec(rate: options.rate, virtualMTA: DemoConfiguration.poolName, sizes: options.messageSizes)
            let plan: TrafficPlan
            do { plan = try TrafficPlan(spec: spec, seed: options.seed, start: WallClock().now()) } catch {
                node.events.unsubscribe(subscription)
                await node.shutdown()
                throw DemoError.start(part: "the traffic generator", reason: "\(error)")
            }
            let generator = TrafficGenerator(plan: plan, host: "127.0.0.1", port: port, connections: options.connections,
                                             group: MultiThreadedEventLoopGroup.singleton)
            let run = DemoRun(node: node, directory: directory, removesDirectory: removesDirectory,
                              controlSocketPath: await node.controlSocketPath ?? socket, smtpPort: port, receivers: receivers,
                              generator: generator, counters: counters, log: log, subscription: subscription,
                              options: options, startedAt: startedAt)
            run.traffic.withLock { $0 = Task { await generator.run() } }
            return run
        } catch {
            for server in receivers.values { try? await server.close() }
            log.close()
            if removesDirectory { try? FileManager.default.removeItem(atPath: directory) }
            if let error = error as? DemoError { throw error }
            throw DemoError.start(part: "the sandbox receivers", reason: "\(error)")
        }
    }

    /// The demo's directory: `requested` (created when missing), or a new temporary one.
    private static func prepareDirectory(_ requested: String?) throws(DemoError) -> (String, removes: Bool) {
        if let requested {
            do {
                try FileManager.default.createDirectory(atPath: requested, withIntermediateDirectories: true)
            } catch {
                throw .directory("cannot create \(requested): \(error.localizedDescription)")
            }
            return (requested, false)
        }
        var template = Array((NSTemporaryDirectory() + "/sluice-demo-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> UnsafeMutablePointer<CChar>? in
            guard let base = buffer.baseAddress else { return nil }
            return mkdtemp(base)
        }
        guard let made else {
            throw .directory("cannot create a temporary directory in \(NSTemporaryDirectory())")
        }
        return (URL(fileURLWithPath: String(cString: made)).standardizedFileURL.path, true)
    }

    // MARK: - Running

    /// An endpoint over the node's control layer in this process, for the console: commands are
    /// attributed to `actor`, snapshots are handed over as values.
    public func controlEndpoint(actor: ControlActor) -> any ControlEndpoint {
        InProcessEndpoint(service: node.controlService, actor: actor)
    }

    /// The counters now; also notes each queue's mode for the backoff episodes.
    public func sample() async -> DemoSample {
        let snapshot = await node.snapshot()
        let backoff = counters.tally.withLock { tally in
            tally.observe(snapshot.queues)
            return tally.queuesInBackoff
        }
        let status = snapshot.status
        return DemoSample(elapsed: clock.now() - startedAt, injected: generator.stats.accepted, delivered: status.out.delivered,
                          deferred: status.out.deferred, bounced: status.out.bounced, queued: status.queued, backoff: backoff)
    }

    /// Stops injecting (the node keeps delivering what it has).
    public func stopTraffic() async {
        let task = traffic.withLock { task in
            defer { task = nil }
            return task
        }
        guard let task else { return }
        task.cancel()
        await task.value
        trafficEnded.withLock { $0 = clock.now() }
    }

    /// Stops the traffic, the node and the receivers, removes a temporary directory, and returns
    /// the summary.
    public func finish() async -> DemoSummary {
        await stopTraffic()
        _ = await sample()
        await node.shutdown()
        node.events.unsubscribe(subscription)
        for server in receivers.values { try? await server.close() }
        log.close()
        if removesDirectory { try? FileManager.default.removeItem(atPath: directory) }
        var final = counters.tally.withLock { $0 }
        let traffic = generator.stats
        final.setInjected(traffic.acceptedByDomain)
        let ended = trafficEnded.withLock { $0 } ?? clock.now()
        return DemoSummary(duration: ended - startedAt, rate: options.rate, tally: final, traffic: traffic,
                           receivers: receivers.mapValues(\.receiver.stats), refusedDestinations: counters.refusals.value)
    }
}

/// The figures the node's callbacks update from its threads: the tally (delivery events) and the
/// loopback guard's refusals.
final class DemoCounters: Sendable {
    let tally = Mutex(DemoTally())
    let refusals = DemoRefusals()
}
