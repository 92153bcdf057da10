import NIOCore
import SluiceConfig
import SluiceCore
import SluiceDNS
import SluiceSMTP

/// Delivery over the network: resolves a plan's destination (MX, or its `smtp-hosts`), opens an
/// ``SMTPClientConnection`` to the first target that answers and keeps it under a handle.
final class NIODeliveryTransport: DeliveryTransport {
    let resolver: MXResolver
    let group: any EventLoopGroup
    let tls: SMTPClientTLS?
    let deliveryGuard: (@Sendable (IPAddress) -> Bool)?
    /// The port MX hosts are connected on (25; ``NodeOptions/mxPort``).
    let mxPort: Int
    /// The node's clock, for the connections' idle timers.
    let clock: any SluiceCore.Clock
    /// The node's log: a connection that fell back to plain text after a failed TLS handshake
    /// is noted there.
    let log: @Sendable (String) -> Void
    private let table = DeliveryHandleTable<SMTPClientConnection>()

    /// Creates a transport resolving with `resolver` and connecting on `group`.
    init(resolver: MXResolver, group: any EventLoopGroup, tls: SMTPClientTLS?,
         deliveryGuard: (@Sendable (IPAddress) -> Bool)?, mxPort: Int, clock: any SluiceCore.Clock,
         log: @escaping @Sendable (String) -> Void) {
        self.resolver = resolver
        self.group = group
        self.tls = tls
        self.deliveryGuard = deliveryGuard
        self.mxPort = mxPort
        self.clock = clock
        self.log = log
    }

    /// Tries the plan's targets in order; hosts that said 421 lately go last.
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
            for target in plan.attemptOrder(found, address: \.address) {
                if let deliveryGuard, !(IPAddress(target.address).map(deliveryGuard) ?? false) {
                    failure = .noAnswer("delivery to \(target.address) refused by the delivery guard")
                    continue
                }
                do {
                    let connection = try await SMTPClientConnection.connect(
                        host: target.address, port: target.port, configuration: plan.client, tls: tls, group: group,
                        clock: clock)
                    if let fallback = connection.tlsFallback {
                        log("delivery: \(plan.domain) via \(target.address):\(target.port): \(fallback)")
                    }
                    return .connected(table.register(connection), target)
                } catch .greetingRefused(let greeting) where greeting.code >= 500 && plan.bounceUpon5xxGreeting {
                    return .verdict(greeting)
                } catch {
                    failure = error.connectionFailure
                }
            }
            return .failed(failure)
        }
    }

    /// Sends on the connection; one that is no longer reusable afterwards is let go.
    func send(_ transaction: OutboundTransaction, on handle: DeliveryHandle) async -> TransactionOutcome {
        guard let connection = table.connection(handle) else { return TransactionOutcome.notOpen(transaction, handle) }
        let outcome = await connection.send(transaction)
        if !outcome.connectionReusable { _ = table.remove(handle) }
        return outcome
    }

    /// The connection's event loop.
    func taskExecutor(for handle: DeliveryHandle) -> (any TaskExecutor)? {
        table.connection(handle)?.taskExecutor
    }

    /// QUITs and closes the connection.
    func quit(_ handle: DeliveryHandle) async {
        await table.remove(handle)?.quit()
    }
}
