import SluiceConfig
import SluiceControlProtocol
import SluiceControlServer
import SluiceCore
import SluiceSandbox
import SluiceServer
import Synchronization

/// A demo in one process: four sandbox receivers (gmail, yahoo, outlook, generic), a
/// ``MailNode`` on the embedded ``DemoConfiguration`` delivering to them, and the traffic plan
/// injected into the node.
///
/// ``start(_:)`` runs it on the wall clock and loopback sockets (`sluice demo`): the receivers
/// behind ``SandboxServer``s, the node's ``LoopbackGuard`` checking every delivery, the
/// ``TrafficGenerator`` injecting over SMTP. ``simulate(_:clock:)`` runs the same scenario on a
/// ``VirtualClock`` without sockets, moved by ``advance(by:)``.
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
    /// The sandbox receivers by profile name.
    public let receivers: [String: SandboxReceiver]
    /// The sockets of a run from ``start(_:)``; nil for a simulated run, which has none.
    public let network: DemoNetwork?
    /// The options it runs with.
    public let options: DemoOptions

    private let setup: DemoSetup
    private let traffic: any DemoTraffic
    private let simulation: SimulationDriver?
    private let subscription: EventHub.Subscription
    private let trafficEnded = Mutex<Instant?>(nil)

    init(setup: DemoSetup, node: MailNode, subscription: EventHub.Subscription, receivers: [String: SandboxReceiver],
         network: DemoNetwork?, traffic: any DemoTraffic, simulation: SimulationDriver?) {
        self.setup = setup
        self.node = node
        self.subscription = subscription
        self.directory = setup.directory
        self.options = setup.options
        self.receivers = receivers
        self.network = network
        self.traffic = traffic
        self.simulation = simulation
    }

    /// An endpoint over the node's control layer in this process, for the console: commands are
    /// attributed to `actor`, snapshots are handed over as values.
    public func controlEndpoint(actor: ControlActor) -> any ControlEndpoint {
        InProcessEndpoint(service: node.controlService, actor: actor)
    }

    /// On a simulated run, lets `span` of virtual time pass, event by event (see
    /// ``simulate(_:clock:)``); returns once the node has taken up the last instant. A run from
    /// ``start(_:)`` goes on by itself on the wall clock: this returns at once.
    public func advance(by span: TimeSpan) async {
        await simulation?.advance(by: span)
    }

    /// The counters now; also notes each queue's mode for the backoff episodes.
    public func sample() async -> DemoSample {
        let snapshot = await node.snapshot()
        let backoff = setup.counters.tally.withLock { tally in
            tally.observe(snapshot.queues)
            return tally.queuesInBackoff
        }
        let status = snapshot.status
        return DemoSample(elapsed: setup.clock.now() - setup.startedAt, injected: traffic.stats.accepted,
                          delivered: status.out.delivered, deferred: status.out.deferred, bounced: status.out.bounced,
                          queued: status.queued, backoff: backoff,
                          paused: snapshot.vmtas.filter(\.paused).map { vmta in
                              vmta.listings.isEmpty ? vmta.name : "\(vmta.name) (listed on \(vmta.listings.map(\.zone).joined(separator: ", ")))"
                          })
    }

    /// Stops injecting (the node keeps delivering what it has).
    public func stopTraffic() async {
        await traffic.stop()
        let now = setup.clock.now()
        trafficEnded.withLock { $0 = $0 ?? now }
    }

    /// Stops the traffic, the node and the receivers, removes a temporary directory, and returns
    /// the summary.
    public func finish() async -> DemoSummary {
        await stopTraffic()
        _ = await sample()
        if let simulation { await simulation.shutdown() } else { await node.shutdown() }
        node.events.unsubscribe(subscription)
        await network?.close()
        setup.close()
        var final = setup.counters.tally.withLock { $0 }
        let stats = traffic.stats
        final.setInjected(stats.acceptedByDomain)
        let ended = trafficEnded.withLock { $0 } ?? setup.clock.now()
        return DemoSummary(duration: ended - setup.startedAt, rate: options.rate, tally: final, traffic: stats,
                           receivers: receivers.mapValues(\.stats), refusedDestinations: setup.counters.refusals.value)
    }
}

/// The figures the node's callbacks update from its threads: the tally (delivery events) and the
/// loopback guard's refusals.
final class DemoCounters: Sendable {
    let tally = Mutex(DemoTally())
    let refusals = DemoRefusals()
}
