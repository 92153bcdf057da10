import Foundation
import NIOPosix
import SluiceConfig
import SluiceCore
import SluiceSandbox
import SluiceSandboxServer
import SluiceSMTP
import Testing

/// Collects what an injection server accepted, taking `delay` over each message.
actor CollectingReceiver: MessageReceiver {
    private(set) var messages: [ReceivedMessage] = []
    private var serial: UInt64 = 0
    private let delay: Duration

    init(delay: Duration = .zero) { self.delay = delay }

    func receive(_ message: ReceivedMessage) async -> ReceiveResult {
        if delay > .zero { try? await Task.sleep(for: delay) }
        messages.append(message)
        serial += 1
        return .accepted(MessageID(serial))
    }
}

@Suite struct TrafficGeneratorTests {
    /// A relaying SluiceSMTP server on a free loopback port that processes X-Virtual-MTA.
    private func injectionServer(_ receiver: CollectingReceiver) async throws -> SMTPServer {
        let policy = SourcePolicy(allowRelaying: true, processXVirtualMTA: true)
        return try await SMTPServer.start(host: "127.0.0.1", port: 0, configuration: SMTPServerConfiguration(hostName: "mta.test"),
                                          policies: SourcePolicyTable(entries: [], fallback: policy), receiver: receiver,
                                          group: MultiThreadedEventLoopGroup.singleton)
    }

    @Test func injectsThePlanPacedWithJobsDomainsAndVirtualMTA() async throws {
        let receiver = CollectingReceiver()
        let server = try await injectionServer(receiver)
        let clock = WallClock()
        let start = clock.now()
        let spec = TrafficSpec(rate: 40, virtualMTA: "demo-pool", sizes: 2_048...4_096)
        let plan = try TrafficPlan(spec: spec, seed: 9, start: start)
        let generator = TrafficGenerator(plan: plan, host: "127.0.0.1", port: server.port, connections: 3,
                                         group: MultiThreadedEventLoopGroup.singleton)
        let run = Task { await generator.run() }
        // Until a dozen messages are in (about 0.3 s unloaded; the whole suite in parallel on two
        // cores can take much longer).
        let deadline = start + .seconds(60)
        while await receiver.messages.count < 12, clock.now() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        run.cancel()
        await run.value
        let elapsed = clock.now() - start
        try await server.close()

        let messages = await receiver.messages
        let stats = generator.stats
        #expect(stats.accepted == messages.count)
        #expect(stats.refused == 0 && stats.failed == 0)
        #expect(messages.count >= 12)
        // Never ahead of the schedule: slot k is due at k/40 s.
        #expect(Double(messages.count) <= elapsed.seconds * 40 + 1)
        #expect(Set(messages.compactMap(\.jobID)).isSubset(of: Set(spec.jobs)))
        #expect(Set(messages.compactMap(\.jobID)).count >= 2)
        #expect(messages.allSatisfy { $0.virtualMTA == "demo-pool" })
        #expect(Set(messages.flatMap { $0.recipients.map { domainOf($0.address) } }).count >= 3)
        // Each message is the plan's, body and all.
        for message in messages {
            let text = String(decoding: message.content, as: UTF8.self)
            let id = try #require(text.split(separator: "\r\n").first(where: { $0.hasPrefix("Message-ID: <") }))
            let sequence = try #require(Int(id.dropFirst("Message-ID: <".count).prefix { $0 != "." }))
            let planned = plan.message(sequence)
            #expect(message.recipients.map(\.address) == planned.recipients)
            #expect(text.hasSuffix(String(planned.content.split(separator: "\r\n\r\n", maxSplits: 1)[1])))
        }
        #expect(stats.acceptedByDomain.values.reduce(0, +) == messages.count)
    }

    @Test func slowMTAMakesThePlanSkipRatherThanQueue() async throws {
        let receiver = CollectingReceiver(delay: .milliseconds(300))
        let server = try await injectionServer(receiver)
        let spec = TrafficSpec(rate: 50, sizes: 1_024...1_024, maximumLag: .init(milliseconds: 200))
        let plan = try TrafficPlan(spec: spec, seed: 2, start: WallClock().now())
        let generator = TrafficGenerator(plan: plan, host: "127.0.0.1", port: server.port, connections: 1,
                                         group: MultiThreadedEventLoopGroup.singleton)
        let run = Task { await generator.run() }
        let deadline = WallClock().now() + .seconds(60)
        while generator.stats.offered < 3, WallClock().now() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        run.cancel()
        await run.value
        try await server.close()
        let stats = generator.stats
        // One connection at 300 ms a message serves about 3 of the 50 slots a second; the rest
        // are skipped, never queued.
        #expect(stats.offered >= 3)
        #expect(stats.skipped > stats.offered)
        #expect(stats.accepted == stats.offered)
    }

    @Test func unreachableMTAIsCountedNotFatal() async throws {
        // A port that was free a moment ago: nothing listens there.
        let receiver = CollectingReceiver()
        let server = try await injectionServer(receiver)
        let port = server.port
        try await server.close()
        let plan = try TrafficPlan(spec: TrafficSpec(rate: 20), seed: 1, start: WallClock().now())
        let generator = TrafficGenerator(plan: plan, host: "127.0.0.1", port: port, connections: 1,
                                         group: MultiThreadedEventLoopGroup.singleton)
        let run = Task { await generator.run() }
        let deadline = WallClock().now() + .seconds(60)
        while generator.stats.failed == 0, WallClock().now() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        run.cancel()
        await run.value
        #expect(generator.stats.failed >= 1)
        #expect(generator.stats.accepted == 0)
        #expect(generator.stats.lastProblem?.hasPrefix("connect failed") == true)
    }
}
