import NIOCore
import SluiceConfig
import SluiceCore
import SluiceDNS
import SluiceSMTP

/// Where and how one queue's connection is opened: computed on the node from the queue's
/// settings and its vmta, carried out off the node by ``DeliveryConnector``.
struct ConnectionPlan: Sendable {
    /// The destination domain (for MX resolution): the queue's domain, or for a rolled-up queue
    /// the member domain standing for it.
    var domain: String
    /// `smtp-hosts` / `route` overrides; empty means MX.
    var hosts: [MailHost]
    /// `bounce-upon-no-mx`: a domain without MX bounces.
    var bounceWithoutMX: Bool
    /// `bounce-upon-5xx-greeting`: a 5xx greeting bounces every recipient instead of passing to
    /// the next host.
    var bounceUpon5xxGreeting: Bool
    /// `type discard`: nothing is sent; every transaction is answered 250 at once.
    var discards: Bool
    /// `mx-connection-attempts`: addresses tried per connection attempt (0: all).
    var maxTargets: Int
    /// Hosts (addresses) to try last: they answered 421 lately and the queue has
    /// `smtp-421-means-mx-unavailable yes`.
    var unavailable: Set<String> = []
    /// HELO name, source address, TLS policy, timeouts.
    var client: SMTPClientConfiguration

    /// The plan for `key` under `settings`, sending as `vmta` (nil: the node's own identity);
    /// `destination` is the domain whose MX hosts to use (the queue's own domain unless given).
    init(key: QueueKey, destination: String? = nil, settings: DomainSettings, vmta: VirtualMTA?, hostName: String) {
        domain = destination ?? key.domain
        hosts = settings.smtpHosts.value
        bounceWithoutMX = settings.bounceUponNoMX.value
        bounceUpon5xxGreeting = settings.bounceUpon5xxGreeting.value
        maxTargets = settings.mxConnectionAttempts.value
        discards = settings.deliveryType.value == .discard
        let tls: SMTPClientConfiguration.TLSPolicy = settings.requireStarttls.value ? .required
            : settings.useStarttls.value ? .opportunistic : .never
        // The engine closes idle connections itself (idle-timeout); the client's own timer is
        // only a backstop for a connection the engine has lost track of.
        client = SMTPClientConfiguration(
            heloName: vmta?.sourceHostName ?? hostName, sourceAddress: vmta?.sourceAddress?.description,
            tlsPolicy: tls, connectTimeout: settings.connectTimeout.value,
            greetingTimeout: settings.smtpGreetingTimeout.value, commandTimeout: settings.smtpGreetingTimeout.value,
            dataTimeout: settings.smtpDataTerminationTimeout.value,
            idleTimeout: TimeSpan(milliseconds: settings.idleTimeout.value.milliseconds + 60_000))
        client.ignore8BitMIME = settings.ignore8BitMIME.value
        client.assumeDeliveryUponDataTerminationTimeout = settings.assumeDeliveryUponDataTerminationTimeout.value
    }
}

/// What became of an attempt to open a connection.
enum ConnectOutcome: Sendable {
    /// A session is open (greeting, EHLO and STARTTLS as configured are done).
    case connected(SMTPClientConnection, DeliveryTarget)
    /// DNS says the domain takes no mail (null MX, NXDOMAIN, no address): every transaction on
    /// this "connection" gets this permanent reply.
    case verdict(SMTPReply)
    /// No connection now; the queue retries later.
    case failed(ConnectionFailure)
}

/// Resolves a destination and opens a delivery connection to the first target that answers.
struct DeliveryConnector: Sendable {
    let resolver: MXResolver
    let group: any EventLoopGroup
    let tls: SMTPClientTLS?
    let deliveryGuard: (@Sendable (IPAddress) -> Bool)?
    /// The port MX hosts are connected on (25; ``NodeOptions/mxPort``).
    var mxPort = 25
    /// The node's clock, for the connections' idle timers.
    var clock: any SluiceCore.Clock = WallClock()

    /// Tries the plan's targets in order.
    func connect(_ plan: ConnectionPlan) async -> ConnectOutcome {
        if plan.discards {
            return .verdict(SMTPReply(250, "2.0.0", "discarded (type discard)"))
        }
        switch await resolver.targets(for: plan.domain, overrides: plan.hosts, bounceWithoutMX: plan.bounceWithoutMX,
                                      mxPort: mxPort) {
        case .permanentFailure(let code, let enhanced, let text):
            return .verdict(SMTPReply(code, enhanced, text))
        case .temporaryFailure(let why):
            return .failed(.noAnswer("DNS lookup for \(plan.domain) failed: \(why)"))
        case .targets(let found):
            var failure = ConnectionFailure.noAnswer("no delivery target for \(plan.domain)")
            // Hosts that said 421 lately go last (stable: MX order is kept otherwise).
            let ordered = found.filter { !plan.unavailable.contains($0.address) }
                + found.filter { plan.unavailable.contains($0.address) }
            let targets = plan.maxTargets > 0 ? Array(ordered.prefix(plan.maxTargets)) : ordered
            for target in targets {
                if let deliveryGuard, !(IPAddress(target.address).map(deliveryGuard) ?? false) {
                    failure = .noAnswer("delivery to \(target.address) refused by the delivery guard")
                    continue
                }
                do {
                    let connection = try await SMTPClientConnection.connect(
                        host: target.address, port: target.port, configuration: plan.client, tls: tls, group: group,
                        clock: clock)
                    return .connected(connection, target)
                } catch .greetingRefused(let greeting) where greeting.code >= 500 && plan.bounceUpon5xxGreeting {
                    return .verdict(greeting)
                } catch {
                    failure = error.connectionFailure
                }
            }
            return .failed(failure)
        }
    }
}
