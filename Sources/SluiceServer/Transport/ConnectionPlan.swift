import SluiceConfig
import SluiceCore
import SluiceSMTP

/// Where and how one queue's connection is opened: computed by the node's core from the queue's
/// settings and its vmta, carried out off the node by a ``DeliveryTransport``.
public struct ConnectionPlan: Sendable {
    /// The queue the connection is for.
    public var queue: QueueKey
    /// The destination domain (for MX resolution): the queue's domain, or for a rolled-up queue
    /// the member domain standing for it.
    public var domain: String
    /// `smtp-hosts` / `route` overrides; empty means MX.
    public var hosts: [MailHost]
    /// `bounce-upon-no-mx`: a domain without MX bounces.
    public var bounceWithoutMX: Bool
    /// `bounce-upon-5xx-greeting`: a 5xx greeting bounces every recipient instead of passing to
    /// the next host.
    public var bounceUpon5xxGreeting: Bool
    /// `type discard`: nothing is sent; every transaction is answered 250 at once.
    public var discards: Bool
    /// `mx-connection-attempts`: addresses tried per connection attempt (0: all).
    public var maxTargets: Int
    /// Hosts (addresses) to try last: they answered 421 lately and the queue has
    /// `smtp-421-means-mx-unavailable yes`.
    public var unavailable: Set<String> = []
    /// HELO name, source address, TLS policy, timeouts.
    public var client: SMTPClientConfiguration

    /// The plan for `key` under `settings`, sending as `vmta` (nil: the node's own identity) from
    /// its `source`-th `smtp-source-host` (the first when out of range); `destination` is the
    /// domain whose MX hosts to use (the queue's own domain unless given).
    init(key: QueueKey, destination: String? = nil, settings: DomainSettings, vmta: VirtualMTA?, source: Int = 0,
         hostName: String) {
        queue = key
        domain = destination ?? key.domain
        hosts = settings.smtpHosts.value
        bounceWithoutMX = settings.bounceUponNoMX.value
        bounceUpon5xxGreeting = settings.bounceUpon5xxGreeting.value
        maxTargets = settings.mxConnectionAttempts.value
        discards = settings.deliveryType.value == .discard
        let tls: SMTPClientConfiguration.TLSPolicy = settings.requireStarttls.value ? .required
            : settings.useStarttls.value ? .opportunistic : .never
        let hosts = vmta?.sourceHosts ?? []
        let sourceHost = hosts.indices.contains(source) ? hosts[source] : hosts.first
        // The engine closes idle connections itself (idle-timeout); the client's own timer is
        // only a backstop for a connection the engine has lost track of.
        client = SMTPClientConfiguration(
            heloName: sourceHost?.hostName ?? hostName, sourceAddress: sourceHost?.address.description,
            tlsPolicy: tls, connectTimeout: settings.connectTimeout.value,
            greetingTimeout: settings.smtpGreetingTimeout.value, commandTimeout: settings.smtpGreetingTimeout.value,
            dataTimeout: settings.smtpDataTerminationTimeout.value,
            idleTimeout: TimeSpan(milliseconds: settings.idleTimeout.value.milliseconds + 60_000))
        client.ignore8BitMIME = settings.ignore8BitMIME.value
        client.ignoreDSN = settings.ignoreDSN.value
        client.assumeDeliveryUponDataTerminationTimeout = settings.assumeDeliveryUponDataTerminationTimeout.value
    }

    /// The order to try `targets` in: those not marked unavailable (a 421 lately) first, then the
    /// marked ones, each in their given order (MX preference), at most ``maxTargets`` when set.
    public func attemptOrder<Target>(_ targets: [Target], address: (Target) -> String) -> [Target] {
        let ordered = targets.filter { !unavailable.contains(address($0)) } + targets.filter { unavailable.contains(address($0)) }
        return maxTargets > 0 ? Array(ordered.prefix(maxTargets)) : ordered
    }
}
