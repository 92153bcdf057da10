import NIOCore
import SluiceConfig
import SluiceBase
import SluiceSandbox
import SluiceSMTP

/// Injects a ``TrafficPlan`` into an MTA over SMTP in real time: a few concurrent connections
/// (pipelined when the MTA offers PIPELINING), each taking the next due message when it is free,
/// reconnecting when the MTA closes or refuses the session.
///
/// ```swift
/// let plan = try TrafficPlan(spec: TrafficSpec(rate: 200, virtualMTA: "demo-pool"), seed: 1, start: WallClock().now())
/// let generator = TrafficGenerator(plan: plan, host: "127.0.0.1", port: 2525, group: group)
/// let task = Task { await generator.run() }
/// … generator.stats …
/// task.cancel(); await task.value
/// ```
public final class TrafficGenerator: Sendable {
    /// The MTA's address.
    public let host: String
    /// The MTA's SMTP port.
    public let port: Int
    /// How many connections inject in parallel.
    public let connections: Int
    /// How the generator's connections present themselves.
    public let client: SMTPClientConfiguration
    private let feed: PlanFeed
    private let counters: TrafficCounters
    private let group: any EventLoopGroup
    private let clock: any Clock

    /// The client identity the generator uses unless told otherwise: `generator.sluice.test` from
    /// 127.0.0.1, no TLS, short timeouts.
    public static let defaultClient = SMTPClientConfiguration(
        heloName: "generator.sluice.test", sourceAddress: "127.0.0.1", tlsPolicy: .never,
        connectTimeout: .seconds(5), greetingTimeout: .seconds(30), commandTimeout: .seconds(30),
        dataTimeout: .seconds(60), idleTimeout: .seconds(30))

    /// Creates a generator for `plan` aimed at `host:port` (loopback: the plan's domains are fake).
    public init(plan: TrafficPlan, host: String, port: Int, connections: Int = 4,
                client: SMTPClientConfiguration = TrafficGenerator.defaultClient,
                group: any EventLoopGroup, clock: any Clock = WallClock()) {
        self.host = host
        self.port = port
        self.connections = max(1, connections)
        self.client = client
        let counters = TrafficCounters()
        self.counters = counters
        self.feed = PlanFeed(plan: plan, clock: clock, counters: counters)
        self.group = group
        self.clock = clock
    }

    /// The counters so far.
    public var stats: GeneratorStats { counters.snapshot }

    /// Injects until the calling task is cancelled; the connections then finish the message in
    /// hand and say QUIT.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<connections {
                group.addTask { await self.inject() }
            }
        }
    }

    /// One connection's loop.
    private func inject() async {
        var connection: SMTPClientConnection?
        while let message = await feed.next() {
            if let open = connection, await open.isUsable {
                // Reuse it.
            } else {
                connection = await connect()
            }
            guard let open = connection else {
                counters.update { $0.failed += 1 }
                // The MTA is not answering: pause a little rather than spin through the plan.
                try? await clock.sleep(for: TimeSpan(milliseconds: 250))
                continue
            }
            let transaction = OutboundTransaction(
                sender: message.sender, recipients: message.recipients.map { OutboundTransaction.Recipient(address: $0) },
                content: Array(message.content.utf8))
            let outcome = await open.send(transaction)
            record(outcome, for: message)
            if !outcome.connectionReusable { connection = nil }
        }
        await connection?.quit()
    }

    private func connect() async -> SMTPClientConnection? {
        do {
            return try await SMTPClientConnection.connect(host: host, port: port, configuration: client, group: group,
                                                          clock: clock)
        } catch {
            counters.update { $0.lastProblem = error.diagnostic }
            return nil
        }
    }

    private func record(_ outcome: TransactionOutcome, for message: PlannedMessage) {
        let delivered = outcome.recipients.filter { $0.disposition == .delivered }.count
        counters.update { $0.record(message, acceptedRecipients: delivered, problem: outcome.recipients.first?.reply.dsnDiag) }
    }
}
