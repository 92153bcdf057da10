import SluiceConfig
import SluiceCore
import SluiceDNS
import SluiceSandbox
import SluiceServer
import SluiceSMTP

/// A ``DeliveryTransport`` into sandbox receivers in this process: the simulated providers without
/// sockets. Each receiver stands at the address and port a ``SandboxServer`` would listen on, so
/// the configuration's `route [127.0.0.1]:PORT` routes a domain to its provider exactly as on
/// loopback; every connection is a ``SandboxConnection``, answered at the clock's instants.
///
/// The sandbox has no DNS: a plan's hosts must be address literals. Each address goes through
/// `allows` first (the demo's ``DemoDeliveryGuard``), as the network transport asks its delivery
/// guard before connecting.
final class SandboxTransport: DeliveryTransport {
    /// The receivers by where they stand.
    let receivers: [ListenAddress: SandboxReceiver]
    let clock: any Clock
    let allows: @Sendable (IPAddress) -> Bool
    private let table = DeliveryHandleTable<SandboxConnection>()

    /// Creates a transport reaching `receivers`, asking `allows` before each connection.
    init(receivers: [ListenAddress: SandboxReceiver], clock: any Clock, allows: @escaping @Sendable (IPAddress) -> Bool) {
        self.receivers = receivers
        self.clock = clock
        self.allows = allows
    }

    /// Tries the plan's hosts in order (hosts that said 421 lately last, at most
    /// `mx-connection-attempts` of them) until a receiver greets and accepts EHLO.
    func connect(_ plan: ConnectionPlan) async -> ConnectOutcome {
        var failure = ConnectionFailure.noAnswer("no delivery target for \(plan.domain): the sandbox has no DNS, only routes")
        for host in plan.attemptOrder(plan.hosts, address: \.host) {
            guard host.isAddressLiteral, let address = IPAddress(host.host) else {
                failure = .noAnswer("\(host) is not an address literal: the sandbox has no DNS")
                continue
            }
            guard allows(address) else {
                failure = .noAnswer("delivery to \(address) refused by the delivery guard")
                continue
            }
            let target = DeliveryTarget(host: host.host, address: host.host, port: host.port)
            guard let receiver = receivers[ListenAddress(address: address, port: host.port)] else {
                failure = .noAnswer("connect to \(target) refused: no sandbox receiver there")
                continue
            }
            let source = plan.client.sourceAddress.flatMap { IPAddress($0) } ?? .v4(0x7F00_0001)
            switch await SandboxConnection.open(to: receiver, host: target.description, from: source, client: plan.client,
                                                clock: clock) {
            case .open(let connection):
                return .connected(table.register(connection), target)
            case .failed(.greetingRefused(let greeting)) where greeting.code >= 500 && plan.bounceUpon5xxGreeting:
                return .verdict(greeting)
            case .failed(let error):
                failure = error.connectionFailure
            }
        }
        return .failed(failure)
    }

    /// Sends on the connection; one the receiver closed is let go.
    func send(_ transaction: OutboundTransaction, on handle: DeliveryHandle) async -> TransactionOutcome {
        // Taken out while the transaction runs: the node sends one transaction at a time per connection.
        guard var connection = table.remove(handle) else { return TransactionOutcome.notOpen(transaction, handle) }
        let outcome = await connection.send(transaction)
        if outcome.connectionReusable { table.put(connection, at: handle) }
        return outcome
    }

    /// Says QUIT and forgets the connection.
    func quit(_ handle: DeliveryHandle) async {
        guard var connection = table.remove(handle) else { return }
        await connection.quit()
    }
}
