import SluiceConfig
import SluiceCore
@testable import SluiceDemo
import SluiceSandbox
@testable import SluiceServer
import SluiceSMTP
import Synchronization
import Testing

/// The sandbox transport: the node's delivery into the sandbox's receivers in process, routed by
/// the demo's configuration, answered by the receivers' sessions at the clock's instants.
@Suite struct SandboxTransportTests {
    /// The demo's receivers at ``DemoRun/simulatedPorts``, the transport reaching them through the
    /// loopback guard, and the demo's configuration routing to them.
    struct Fixture {
        let clock = VirtualClock()
        let start: Instant
        let receivers: [String: SandboxReceiver]
        let refusals = DemoRefusals()
        let model: ConfigModel
        let transport: SandboxTransport

        /// `replies` is the clock the transport sleeps its slow replies on (the virtual clock
        /// itself unless a test wants replies without delays).
        init(replies: ((VirtualClock) -> any SluiceCore.Clock)? = nil) throws {
            start = clock.now()
            let library = ProfileLibrary()
            var receivers: [String: SandboxReceiver] = [:]
            var network: [ListenAddress: SandboxReceiver] = [:]
            for (name, port) in DemoRun.simulatedPorts {
                let receiver = SandboxReceiver(profile: try library.load(name), seed: 1, startedAt: clock.now())
                receivers[name] = receiver
                network[.loopback(port: port)] = receiver
            }
            self.receivers = receivers
            let loaded = DemoConfiguration(receiverPorts: DemoRun.simulatedPorts, spoolDirectory: "/unused/spool",
                                           accountingFile: "/unused/acct.csv", controlSocket: "/unused/control.sock").load()
            try #require(!loaded.hasErrors, "\(loaded.errors)")
            model = loaded.model
            let deliveryGuard = DemoDeliveryGuard(refusals: refusals, log: { _ in })
            transport = SandboxTransport(receivers: network, clock: replies?(clock) ?? clock, allows: deliveryGuard.allows)
        }

        /// The node's plan for `domain`'s queue on `vmta`.
        func plan(_ domain: String, vmta: String = "vmta1") -> ConnectionPlan {
            let key = QueueKey(domain: domain, vmta: vmta)
            return ConnectionPlan(key: key, settings: model.settings(for: key), vmta: model.virtualMTAs[vmta],
                                  hostName: "demo.sluice.test")
        }

        /// Opens a connection for `domain`, which must succeed.
        func open(_ domain: String) async throws -> DeliveryHandle {
            guard case .connected(let handle, _) = await transport.connect(plan(domain)) else {
                throw TestFailure("no connection for \(domain)")
            }
            return handle
        }

        /// Mailboxes of `profile` the receiver accepts (neither unknown nor full), or that it does
        /// not know, as the receiver's own per-address decisions say.
        func mailboxes(_ profile: String, domain: String, unknown: Bool, count: Int) throws -> [String] {
            let behaviour = SandboxBehaviour(profile: try ProfileLibrary().load(profile), seed: 1, startedAt: start)
            var found: [String] = []
            for n in 0..<100_000 where found.count < count {
                let address = "user\(n)@\(domain)"
                if behaviour.isUnknownUser(address) == unknown && behaviour.mailboxFullRule(for: address) == nil { found.append(address) }
            }
            return found
        }
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// `now` from the virtual clock, every sleep over at once: replies without their delays.
    struct NoDelays: SluiceCore.Clock {
        let base: VirtualClock
        func now() -> Instant { base.now() }
        func sleep(until deadline: Instant) async throws {}
    }

    static func message(to recipient: String) -> OutboundTransaction {
        OutboundTransaction(sender: "bounces@news.sluice.test", recipients: [OutboundTransaction.Recipient(address: recipient)],
                            content: Array("Subject: hi\r\n\r\nhello\r\n".utf8))
    }

    @Test("each domain's connections reach the receiver of the profile the demo configuration routes it to")
    func routesByTheConfiguration() async throws {
        let fixture = try Fixture(replies: { NoDelays(base: $0) })
        let routes = ["gmail.com": "gmail", "yahoo.com": "yahoo", "outlook.com": "outlook", "hotmail.com": "outlook",
                      "example.net": "generic"]
        for (domain, profile) in routes.sorted(by: { $0.key < $1.key }) {
            let before = fixture.receivers[profile]?.stats.connections ?? 0
            guard case .connected(_, let target) = await fixture.transport.connect(fixture.plan(domain)) else {
                Issue.record("\(domain) did not connect")
                continue
            }
            #expect(target.address == "127.0.0.1" && target.port == DemoRun.simulatedPorts[profile], "\(domain): \(target)")
            #expect(fixture.receivers[profile]?.stats.connections == before + 1, "\(domain)")
        }
        #expect(fixture.refusals.value == 0)
    }

    @Test("Gmail's per-IP limit answers MAIL with 421 4.7.0 past its burst and closes the connection")
    func gmailRateLimit() async throws {
        let fixture = try Fixture(replies: { NoDelays(base: $0) })
        let handle = try await fixture.open("gmail.com")
        let recipients = try fixture.mailboxes("gmail", domain: "gmail.com", unknown: false, count: 21)
        for recipient in recipients.prefix(20) {
            let outcome = await fixture.transport.send(Self.message(to: recipient), on: handle)
            #expect(outcome.recipients.map(\.disposition) == [.delivered] && outcome.connectionReusable, "\(outcome)")
        }
        let limited = await fixture.transport.send(Self.message(to: recipients[20]), on: handle)
        #expect(limited.recipients.first?.disposition == .deferred)
        #expect(limited.recipients.first?.reply.code == 421 && limited.recipients.first?.reply.enhancedStatus == "4.7.0")
        #expect(!limited.connectionReusable)
        #expect(fixture.receivers["gmail"]?.stats.deferred[.rateLimit] == 1)
        #expect(fixture.receivers["gmail"]?.stats.messagesAccepted == 20)
        let after = await fixture.transport.send(Self.message(to: recipients[0]), on: handle)
        #expect(after.recipients.first?.reply.code == 451 && !after.connectionReusable, "the handle is let go: \(after)")
        // A second later the bucket has refilled a little: a new connection delivers again.
        fixture.clock.advance(by: .seconds(1))
        let next = try await fixture.open("gmail.com")
        #expect(await fixture.transport.send(Self.message(to: recipients[0]), on: next).recipients.first?.disposition == .delivered)
    }

    @Test("Yahoo's TSS04 storm turns connections away at the greeting from 10 s after the receiver started")
    func yahooIncident() async throws {
        let fixture = try Fixture(replies: { NoDelays(base: $0) })
        fixture.clock.advance(by: TimeSpan(milliseconds: 9_999))
        _ = try await fixture.open("yahoo.com")
        fixture.clock.advance(by: TimeSpan(milliseconds: 1))
        let outcome = await fixture.transport.connect(fixture.plan("yahoo.com"))
        guard case .failed(.rejected(let reply)) = outcome else {
            Issue.record("expected a refused greeting, got \(outcome)")
            return
        }
        #expect(reply.code == 421 && reply.dsnDiag.contains("[TSS04]"), "\(reply)")
        #expect(fixture.receivers["yahoo"]?.stats.deferred[.incident] == 1)
    }

    @Test("an unknown user bounces at RCPT; the next transaction on the connection resets the receiver's and is delivered")
    func unknownUserThenReset() async throws {
        let fixture = try Fixture(replies: { NoDelays(base: $0) })
        let handle = try await fixture.open("gmail.com")
        let unknown = try #require(try fixture.mailboxes("gmail", domain: "gmail.com", unknown: true, count: 1).first)
        let known = try #require(try fixture.mailboxes("gmail", domain: "gmail.com", unknown: false, count: 1).first)
        let bounced = await fixture.transport.send(Self.message(to: unknown), on: handle)
        #expect(bounced.recipients.first?.disposition == .bounced)
        #expect(bounced.recipients.first?.reply.dsnDiag.contains("does not exist") == true, "\(bounced)")
        #expect(bounced.connectionReusable)
        let delivered = await fixture.transport.send(Self.message(to: known), on: handle)
        #expect(delivered.recipients.first?.disposition == .delivered, "\(delivered)")
        let stats = try #require(fixture.receivers["gmail"]?.stats)
        #expect(stats.rejected[.unknownUser] == 1 && stats.messagesAccepted == 1)
        // The pipelined DATA after the refused RCPT is answered 554, as on the network.
        #expect(stats.rejected[.protocolError] == 1)
    }

    @Test("a slow reply is waited on the transport's clock: the transaction ends once the virtual clock has passed it")
    func slowRepliesTakeVirtualTime() async throws {
        let fixture = try Fixture()
        let handle = try await fixture.open("outlook.com")
        let recipient = try #require(try fixture.mailboxes("outlook", domain: "outlook.com", unknown: false, count: 1).first)
        let finished = Mutex(false)
        let sending = Task {
            let outcome = await fixture.transport.send(Self.message(to: recipient), on: handle)
            finished.withLock { $0 = true }
            return outcome
        }
        // Outlook's end of data takes 200–800 ms.
        await fixture.clock.waitForSleepers(1)
        let deadline = try #require(fixture.clock.nextDeadline)
        #expect(deadline - fixture.start >= TimeSpan(milliseconds: 200) && deadline - fixture.start <= TimeSpan(milliseconds: 800))
        #expect(!finished.withLock { $0 })
        fixture.clock.advance(to: deadline)
        #expect(await sending.value.recipients.first?.disposition == .delivered)
    }

    @Test("destinations off loopback are refused by the guard, and an address without a receiver does not answer")
    func guardAndMissingReceivers() async throws {
        let fixture = try Fixture(replies: { NoDelays(base: $0) })
        var plan = fixture.plan("gmail.com")
        plan.hosts = [MailHost(host: "192.0.2.1", isAddressLiteral: true, port: 2601)]
        guard case .failed(.noAnswer(let why)) = await fixture.transport.connect(plan) else {
            Issue.record("a non-loopback destination was reached")
            return
        }
        #expect(why.contains("refused by the delivery guard"), "\(why)")
        #expect(fixture.refusals.value == 1)
        plan.hosts = [MailHost(host: "127.0.0.1", isAddressLiteral: true, port: 9)]
        guard case .failed(.noAnswer(let none)) = await fixture.transport.connect(plan) else {
            Issue.record("connected where no receiver stands")
            return
        }
        #expect(none.contains("no sandbox receiver"), "\(none)")
        plan.hosts = []
        guard case .failed(.noAnswer(let dns)) = await fixture.transport.connect(plan) else {
            Issue.record("connected without a route")
            return
        }
        #expect(dns.contains("no DNS"), "\(dns)")
        #expect(fixture.receivers.values.allSatisfy { $0.stats.connections == 0 })
    }

    @Test("a plan that requires TLS fails: the sandbox offers no STARTTLS")
    func requiredTLS() async throws {
        let fixture = try Fixture(replies: { NoDelays(base: $0) })
        var plan = fixture.plan("gmail.com")
        plan.client.tlsPolicy = .required
        guard case .failed(.badConnection(let why)) = await fixture.transport.connect(plan) else {
            Issue.record("connected without TLS")
            return
        }
        #expect(why.contains("STARTTLS"), "\(why)")
    }

    @Test("QUIT ends the session; the handle is forgotten")
    func quit() async throws {
        let fixture = try Fixture(replies: { NoDelays(base: $0) })
        let handle = try await fixture.open("example.net")
        await fixture.transport.quit(handle)
        let outcome = await fixture.transport.send(Self.message(to: "a@example.net"), on: handle)
        #expect(outcome.recipients.first?.reply.code == 451 && !outcome.connectionReusable, "\(outcome)")
    }
}
