import Foundation
import Glibc
import Logging
import SluiceConfig
import SluiceCore
import SluiceSMTP
@testable import SluiceServer
import Synchronization
import Testing

/// Start-up and graceful shutdown through the node's service group, and its log through swift-log.
@Suite("Lifecycle and log")
struct LifecycleTests {
    @Test("the log handler writes each message as one line: no level, no metadata, nothing below info")
    func lineLogHandler() {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "test") { _ in LineLogHandler { line in lines.withLock { $0.append(line) } } }
        logger[metadataKey: "queue"] = "one.test/v1"
        logger.info("started: 0 message(s)")
        logger.debug("a service group detail")
        logger.warning("spool: low on space", metadata: ["free": "12"])
        #expect(lines.withLock { $0 } == ["started: 0 message(s)", "spool: low on space"])

        var options = NodeOptions(log: { line in lines.withLock { $0.append(line) } })
        options.log("through the options")
        #expect(lines.withLock { $0.last } == "through the options")
        options.log = { line in lines.withLock { $0.append("replaced: " + line) } }
        options.logger.info("again")
        #expect(lines.withLock { $0.last } == "replaced: again")
    }

    @Test("graceful shutdown closes the SMTP listener first, lets the transaction in flight finish, then closes the spool")
    func orderedShutdown() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let clock = VirtualClock()
        let transport = GatedTransport(InMemoryTransport(clock: clock) { _, _ in .accept })
        let lines = Mutex<[String]>([])
        let port = try freePort()
        let options = NodeOptions(smtpListeners: [.loopback(port: port)], controlSocketPath: "", auditLogPath: "",
                                  transport: transport, clock: clock, log: { line in lines.withLock { $0.append(line) } })
        let model = try loadConfiguration("""
            host-name node.test
            spool \(dir)/spool
            <virtual-mta v1>
                smtp-source-host 192.0.2.10 node.test
            </virtual-mta>
            """)
        let node = try await MailNode.start(configuration: model, options: options)
        let events = EventCollector(node)
        #expect(canConnect(port: port))
        try await admitDirectly(node, to: "a@slow.test", at: clock)
        try await waitUntil("the transaction in flight") { transport.waiting == 1 }

        let shutdown = Task { await node.shutdown() }
        try await waitUntil("the SMTP listener closed") { !canConnect(port: port) }
        #expect(!lines.withLock { $0 }.contains("stopped"), "delivery is still finishing")
        #expect(events.events(kind: "delivered").isEmpty)

        transport.open()
        await shutdown.value
        #expect(events.events(kind: "delivered").map(\.recipient) == ["a@slow.test"], "the transaction in flight finished")
        #expect(lines.withLock { $0.last } == "stopped")
        await node.shutdown()
        await node.stopped()
    }

    @Test("sluice serve stops gracefully on SIGTERM and on SIGINT, exits 0, and logs in its line format",
          arguments: [SIGTERM, SIGINT])
    func serveStopsOnSignal(_ signal: Int32) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: DescriptorExhaustionTests.sluicePath),
                     "sluice not found next to the tests; run `swift build --build-tests` first")
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let port = try freePort()
        let configPath = "\(dir)/sluice.conf"
        try "host-name node.test\nspool \(dir)/spool\ncontrol-socket \(dir)/c.sock\nsmtp-listener 127.0.0.1:\(port)\n"
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let logPath = "\(dir)/node.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let node = Process()
        node.executableURL = URL(fileURLWithPath: DescriptorExhaustionTests.sluicePath)
        node.arguments = ["serve", "--config", configPath]
        node.standardError = FileHandle(forWritingAtPath: logPath)
        node.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try node.run()
        defer { if node.isRunning { node.terminate() } }
        try await waitUntil("the node listening", timeout: 60) { canConnect(port: port) }

        kill(node.processIdentifier, signal)
        try await waitUntil("the node exited") { !node.isRunning }
        #expect(node.terminationReason == .exit && node.terminationStatus == 0)
        #expect(!canConnect(port: port))
        let lines = ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        let format = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z sluice: (.+)$/
        let messages = lines.compactMap { (try? format.wholeMatch(in: $0)).map { String($0.1) } }
        #expect(messages.count == lines.count, "every line in the log's format: \(lines)")
        #expect(messages.contains("smtp-listener 127.0.0.1:\(port)"))
        #expect(messages.contains { $0.hasPrefix("started: 0 message(s)") })
        #expect(messages.last == "stopped", "\(lines)")
    }
}

/// A transport whose transactions wait until ``open()``: a transaction held in flight.
final class GatedTransport: DeliveryTransport {
    private struct State {
        var isOpen = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    let inner: InMemoryTransport
    private let state = Mutex(State())

    init(_ inner: InMemoryTransport) { self.inner = inner }

    /// Transactions waiting for the gate.
    var waiting: Int { state.withLock { $0.waiters.count } }

    /// Lets every transaction through, now and later.
    func open() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.isOpen = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func connect(_ plan: ConnectionPlan) async -> ConnectOutcome { await inner.connect(plan) }

    func send(_ transaction: OutboundTransaction, on connection: DeliveryHandle) async -> TransactionOutcome {
        await withCheckedContinuation { continuation in
            let isOpen = state.withLock { s -> Bool in
                if !s.isOpen { s.waiters.append(continuation) }
                return s.isOpen
            }
            if isOpen { continuation.resume() }
        }
        return await inner.send(transaction, on: connection)
    }

    func quit(_ connection: DeliveryHandle) async { await inner.quit(connection) }
}
