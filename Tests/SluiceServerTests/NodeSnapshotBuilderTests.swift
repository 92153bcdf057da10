import SluiceConfig
import SluiceControlProtocol
import SluiceCore
@testable import SluiceServer
import SluiceSpool
import Testing

/// The control plane's snapshot built from a real engine, without sockets: queue rows, the
/// per-domain totals over a domain's queues, the vmta rows and the status figures.
@Suite("NodeSnapshotBuilder")
struct NodeSnapshotBuilderTests {
    static let configuration = """
    host-name node.test
    <virtual-mta v1>
        smtp-source-host 127.0.0.1 one.node.test
    </virtual-mta>
    <virtual-mta v2>
        smtp-source-host 127.0.0.2 two.node.test
    </virtual-mta>
    <virtual-mta v3>
        smtp-source-host 127.0.0.3 three.node.test
    </virtual-mta>
    <domain a.test>
        max-msg-rate 50/s
    </domain>

    """

    static let a1 = QueueKey(domain: "a.test", vmta: "v1")
    static let a2 = QueueKey(domain: "a.test", vmta: "v2")
    static let b1 = QueueKey(domain: "b.test", vmta: "v1")

    /// Each queue's answer to every recipient: a.test/v1 delivers, a.test/v2 defers, b.test/v1
    /// bounces.
    static func reply(_ key: QueueKey) -> SMTPReply {
        switch key {
        case a1: return SMTPReply("250 2.0.0 ok")
        case a2: return SMTPReply("451 4.3.0 try again later")
        default: return SMTPReply("550 5.1.1 no such user")
        }
    }

    /// Performs the engine's actions at once (connections open, transactions get `reply`), and
    /// wakes the engine when it asks to be woken, until it has nothing left to do by `end`.
    static func settle(_ engine: inout DeliveryEngine, _ first: [EngineAction], from start: Instant, until end: Instant) {
        var pending = first
        var time = start
        while true {
            while !pending.isEmpty {
                switch pending.removeFirst() {
                case .openConnection(let id, _): pending += engine.connectionOpened(id, now: time)
                case .startTransaction(let tx):
                    pending += engine.transactionCompleted(tx.id, replies: tx.recipients.map { _ in reply(tx.queue) }, now: time)
                default: break
                }
            }
            guard let wake = engine.nextWakeup, wake <= end else { return }
            time = max(time, wake)
            pending = engine.tick(now: time)
        }
    }

    @Test("domain rows total their queues; vmta rows and status figures come from the engine and the node's counters")
    func domainTotalsVMTAsAndStatus() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let model = try loadConfiguration(Self.configuration)
        var engine = DeliveryEngine(configuration: model)
        let start = Instant(milliseconds: 1_000_000)
        // Long enough for the rate limits to let every message go; short of retry-after.
        let now = start + .seconds(30)
        let sends: [(domain: String, vmta: String, count: Int)] = [("a.test", "v1", 3), ("a.test", "v2", 2), ("b.test", "v1", 1)]
        var id: UInt64 = 0
        for send in sends {
            for _ in 0..<send.count {
                id += 1
                let message = Message(id: MessageID(id), sender: "s@origin.test", recipients: ["r\(id)@\(send.domain)"],
                                      size: 100, vmta: "", receivedAt: start)
                Self.settle(&engine, try engine.inject(message, route: InjectionRoute(defaultVMTA: send.vmta), now: start),
                            from: start, until: start)
            }
        }
        Self.settle(&engine, [], from: start, until: now)
        let request = ControlRequest(who: "test")
        for command: ControlCommand in [.hold(domain: "a.test"), .setMode(target: .queue(Self.a2), mode: "backoff"),
                                        .pause(target: .queue(Self.a2)), .pause(target: .queue(Self.b1)),
                                        .pause(target: .vmta("v3"))] {
            Self.settle(&engine, try engine.apply(command, by: request, now: now), from: now, until: now)
        }
        let (spool, _) = try Spool.open(directory: "\(dir)/spool")
        let builder = NodeSnapshotBuilder(
            engine: engine, inboundConnections: 7, refusedInbound: ["max-smtp-in": 4], configuration: model,
            hostName: "node.test", uptime: 42, messagesReceived: 6, spool: spool, spoolDirectory: "\(dir)/spool", now: now)
        let snapshot = builder.build()
        await spool.close()

        // Queue rows: one per queue with the engine's figures.
        #expect(Set(snapshot.queues.map(\.name)) == ["a.test/v1", "a.test/v2", "b.test/v1"])
        let queues = Dictionary(uniqueKeysWithValues: snapshot.queues.map { ($0.name, $0.figures) })
        #expect(queues["a.test/v1"]?.delivered == 3)
        #expect(queues["a.test/v2"]?.deferred == 2 && queues["a.test/v2"]?.queued == 2)
        #expect(queues["a.test/v2"]?.mode == "backoff" && queues["a.test/v2"]?.paused == true)
        #expect(queues["b.test/v1"]?.bounced == 1 && queues["b.test/v1"]?.paused == true)
        #expect(queues["a.test/v1"]?.rateLimit == "50/s")

        // Domain rows: in the order the domains first appear among the queues, totals over them.
        #expect(snapshot.domains.map(\.name) == ["a.test", "b.test"])
        for domain in snapshot.domains {
            let mine = snapshot.queues.filter { $0.domain == domain.name }.map(\.figures)
            #expect(domain.figures.queued == mine.reduce(0) { $0 + $1.queued }, "\(domain.name)")
            #expect(domain.figures.delivered == mine.reduce(0) { $0 + $1.delivered }, "\(domain.name)")
            #expect(domain.figures.deferred == mine.reduce(0) { $0 + $1.deferred }, "\(domain.name)")
            #expect(domain.figures.bounced == mine.reduce(0) { $0 + $1.bounced }, "\(domain.name)")
            #expect(domain.figures.connections == mine.reduce(0) { $0 + $1.connections }, "\(domain.name)")
            #expect(domain.figures.deliveredPerMin == mine.reduce(0) { $0 + $1.deliveredPerMin }, "\(domain.name)")
        }
        let a = try #require(snapshot.domains.first { $0.name == "a.test" }?.figures)
        #expect((a.queued, a.delivered, a.deferred, a.bounced) == (2, 3, 2, 0))
        #expect(a.mode == "backoff", "one queue in backoff puts the domain in backoff")
        #expect(a.held)
        #expect(!a.paused, "one of two queues paused leaves the domain sending")
        #expect(a.lastError == "451 4.3.0 try again later", "the first non-empty last error")
        let b = try #require(snapshot.domains.first { $0.name == "b.test" }?.figures)
        #expect((b.queued, b.delivered, b.deferred, b.bounced) == (0, 0, 0, 1))
        #expect(b.paused && !b.held && b.mode == "normal")

        // VMTA rows: every configured vmta, idle ones included.
        #expect(snapshot.vmtas.map(\.name) == ["v1", "v2", "v3"])
        let vmtas = Dictionary(uniqueKeysWithValues: snapshot.vmtas.map { ($0.name, $0) })
        #expect(vmtas["v1"]?.source == "127.0.0.1" && vmtas["v2"]?.source == "127.0.0.2")
        #expect(vmtas["v1"]?.queued == 0 && vmtas["v2"]?.queued == 2)
        #expect(vmtas["v2"]?.busiestDomains == ["a.test"])
        #expect(vmtas["v3"]?.paused == true && vmtas["v3"]?.queued == 0 && vmtas["v3"]?.busiestDomains == [])
        #expect(vmtas["v1"]?.paused == false)

        // Status: engine totals and the node's own counters.
        let status = snapshot.status
        #expect(status.node == "node.test" && status.uptimeS == 42)
        #expect(status.queued == 2)
        #expect(status.in.msgs == 6)
        #expect((status.out.delivered, status.out.deferred, status.out.bounced) == (3, 2, 1))
        #expect(status.connections.in == 7)
        #expect(status.connections.out == engine.openConnections)
        #expect(status.connections.refusedIn == ["max-smtp-in": 4])
        #expect(status.controls.contains { $0.kind == .hold && $0.target == "a.test" })
    }
}
