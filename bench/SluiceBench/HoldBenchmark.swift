import Foundation
import NIOPosix
import SluiceConfig
import SluiceControlClient
import SluiceCore
import SluiceServer
import SluiceSMTP
import Synchronization

/// Hold latency (issue 7): a running node with a backlog for `held.bench`; 100 times, `hold
/// domain held.bench` through the control socket, then `release`. Reports the command's round
/// trip (p50/p99) and how many messages for the domain still reached the peer after the hold
/// returned (at most the transactions already in flight: max-smtp-out).
enum HoldBenchmark {
    /// Counts what an in-process peer receives for held.bench.
    final class Peer: MessageReceiver {
        let received = Atomic<Int>(0)
        func receive(_ message: ReceivedMessage) async -> ReceiveResult {
            if message.recipients.contains(where: { $0.address.hasSuffix("@held.bench") }) {
                received.add(1, ordering: .relaxed)
            }
            return .accepted(MessageID(1))
        }
    }

    static func run(arguments: [String]) async throws {
        let trials = arguments.first.flatMap(Int.init) ?? 100
        var template = Array("/tmp/sluice-hold-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchError("mkdtemp failed") }
        let dir = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let group = MultiThreadedEventLoopGroup.singleton

        let peer = Peer()
        let sink = try await SMTPServer.start(
            host: "127.0.0.1", port: 0, configuration: SMTPServerConfiguration(hostName: "peer.bench"),
            policies: SourcePolicyTable(entries: [], fallback: SourcePolicy(allowRelaying: true)), receiver: peer, group: group)
        let text = """
        host-name node.bench
        spool \(dir)/spool
        <source 127.0.0.1>
            always-allow-relaying yes
        </source>
        <domain *>
            route [127.0.0.1]:\(sink.port)
        </domain>
        <domain held.bench>
            max-smtp-out 2
            max-msg-rate 200/s
        </domain>
        """
        let loaded = ConfigLoader.load(text: text, fileName: "hold-bench.conf")
        if let error = loaded.errors.first { throw BenchError("\(error)") }
        let node = try await MailNode.start(configuration: loaded.model, options: NodeOptions(
            smtpListeners: [.loopback(port: 0)], controlSocketPath: "\(dir)/c.sock", auditLogPath: "",
            log: { _ in }))
        guard let port = await node.smtpPorts.first else { throw BenchError("no listener") }

        // The backlog: 4,000 messages over 8 sessions (about 20 s of sending at 200/s).
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for session in 0..<8 {
                tasks.addTask {
                    let client = try await SMTPClientConnection.connect(
                        host: "127.0.0.1", port: port, configuration: SMTPClientConfiguration(heloName: "bench", tlsPolicy: .never),
                        group: group)
                    for n in 0..<500 {
                        let outcome = await client.send(OutboundTransaction(
                            sender: "s@bench", recipients: [.init(address: "u\(session)-\(n)@held.bench")],
                            content: Array("Subject: hold\r\n\r\nbacklog\r\n".utf8)))
                        guard outcome.recipients.allSatisfy({ $0.disposition == .delivered }) else {
                            throw BenchError("injection refused: \(outcome.recipients.first?.reply.dsnDiag ?? "")")
                        }
                    }
                    await client.quit()
                }
            }
            try await tasks.waitForAll()
        }

        let control = ControlClient(socketPath: "\(dir)/c.sock", client: "bench")
        var latencies: [Double] = []
        var afterReturn: [Int] = []
        for _ in 0..<trials {
            // Let the queue flow again before each hold.
            let flowing = peer.received.load(ordering: .relaxed)
            while peer.received.load(ordering: .relaxed) < flowing + 2 { try await Task.sleep(for: .milliseconds(2)) }
            let start = ContinuousClock.now
            _ = try await control.send(.execute(.hold(domain: "held.bench")), reason: "bench")
            let elapsed = (ContinuousClock.now - start).components
            latencies.append(Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15)
            let atReturn = peer.received.load(ordering: .relaxed)
            try await Task.sleep(for: .milliseconds(100))
            afterReturn.append(peer.received.load(ordering: .relaxed) - atReturn)
            _ = try await control.send(.execute(.release(domain: "held.bench")), reason: "bench")
        }
        await node.shutdown()
        try await sink.close()

        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)] }
        print(String(format: "hold: %d trials  round trip p50 %.2f ms  p99 %.2f ms  max %.2f ms", trials, percentile(0.5),
                     percentile(0.99), sorted.last ?? 0))
        print("hold: messages reaching the peer after the hold returned (100 ms window): max \(afterReturn.max() ?? 0), "
              + "mean \(String(format: "%.2f", Double(afterReturn.reduce(0, +)) / Double(max(1, trials)))) (max-smtp-out 2)")
    }
}

/// A benchmark that could not run.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
