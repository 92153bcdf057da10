import SluiceConfig
import Testing
@testable import SluiceCore

/// `<mx-rollup-list>` and `queue-to`: which queue a recipient domain's mail goes to.
@Suite("Queue routing: mx-rollup-list and queue-to")
struct RoutingTests {
    static let configText = """
    <mx-rollup-list>
        mx *.google.com gmail.rollup
    </mx-rollup-list>
    <domain *>
        max-smtp-out 20
    </domain>
    <domain gmail.rollup>
        max-smtp-out 2
        max-msg-rate 10/s
    </domain>
    <domain gmail.com>
        max-smtp-out 7
    </domain>
    <domain yahoo.ca>
        queue-to Yahoo.com
    </domain>
    <domain yahoo.com>
        max-smtp-out 3
    </domain>
    <domain aliased.test>
        queue-to gmail.rollup
    </domain>
    """

    func configuration(_ text: String = configText) throws -> ConfigModel {
        let loaded = ConfigLoader.load(text: text, fileName: "test.conf")
        if let error = loaded.errors.first { throw RoutingTestError(description: "\(error)") }
        return loaded.model
    }

    func simulator() throws -> Simulator {
        var sim = Simulator(try configuration())
        sim.connectLatency = TimeSpan(milliseconds: 30)
        sim.transactionLatency = TimeSpan(milliseconds: 200)
        return sim
    }

    static let rollup = QueueKey(domain: "gmail.rollup", vmta: "default")

    @Test("two domains assigned to one rollup share one queue, with max-smtp-out and max-msg-rate from <domain gmail.rollup>")
    func rollupSharesOneQueue() throws {
        var sim = try simulator()
        sim.engine.assignRollup("gmail.rollup", to: "gmail.com")
        sim.engine.assignRollup("Gmail.Rollup", to: "GoogleMail.com")
        for n in 0..<400 {
            try sim.inject(1, to: "gmail.com", firstID: UInt64(2 * n + 1))
            try sim.inject(1, to: "googlemail.com", firstID: UInt64(2 * n + 2))
        }
        #expect(sim.engine.queueKeys == [Self.rollup])
        #expect(sim.engine.snapshot(of: Self.rollup, now: sim.now)?.queued == 800)
        let settings = sim.engine.settings(for: Self.rollup)
        #expect(settings.maxSmtpOut.value == 2)
        #expect(settings.maxSmtpOut.origin == .config(SourceLocation(file: "test.conf", line: 8, column: 5)))

        sim.run(until: .seconds(30))
        let started = sim.started(in: "gmail.rollup")
        // 10 a second over both domains together, never more in any second; two connections.
        #expect(abs(started.count - 300) <= 3, "started \(started.count)")
        #expect((sim.perSecond("gmail.rollup").values.max() ?? 0) <= 10)
        #expect(sim.maxOpen[Self.rollup] == 2)
        // Both domains' recipients went out, addresses unchanged.
        let recipients = started.flatMap(\.tx.recipients)
        #expect(recipients.contains { $0.hasSuffix("@gmail.com") })
        #expect(recipients.contains { $0.hasSuffix("@googlemail.com") })
        // Connections resolve the first member's MX.
        #expect(sim.engine.destinationDomain(of: Self.rollup) == "gmail.com")
    }

    @Test("queue-to puts yahoo.ca recipients in the yahoo.com queue, delivered to yahoo.com with its settings")
    func queueTo() throws {
        var sim = try simulator()
        try sim.inject(3, to: "yahoo.ca", firstID: 1)
        try sim.inject(2, to: "yahoo.com", firstID: 11)
        let key = QueueKey(domain: "yahoo.com", vmta: "default")
        #expect(sim.engine.queueKeys == [key])
        #expect(sim.engine.snapshot(of: key, now: sim.now)?.queued == 5)
        #expect(sim.engine.settings(for: key).maxSmtpOut.value == 3)
        #expect(sim.engine.destinationDomain(of: key) == "yahoo.com")
        #expect(sim.engine.queueName(forDomain: "YAHOO.CA", vmta: "default") == "yahoo.com")
        sim.run(until: .seconds(5))
        let recipients = sim.started(in: "yahoo.com").flatMap(\.tx.recipients)
        #expect(recipients.filter { $0.hasSuffix("@yahoo.ca") }.count == 3)
        #expect(sim.records(.delivered).allSatisfy { $0.queue == key })
    }

    @Test("queue-to naming a rollup joins it; the rollup's MX comes from a domain assigned by its MX hosts")
    func queueToRollup() throws {
        var sim = try simulator()
        try sim.inject(1, to: "aliased.test", firstID: 1)
        #expect(sim.engine.queueKeys == [Self.rollup])
        #expect(sim.engine.destinationDomain(of: Self.rollup) == "aliased.test")
        sim.engine.assignRollup("gmail.rollup", to: "gmail.com")
        try sim.inject(1, to: "gmail.com", firstID: 2)
        #expect(sim.engine.queueKeys == [Self.rollup])
        #expect(sim.engine.destinationDomain(of: Self.rollup) == "gmail.com")
        // queue-to wins over a rollup assignment.
        sim.engine.assignRollup("gmail.rollup", to: "yahoo.ca")
        #expect(sim.engine.queueName(forDomain: "yahoo.ca", vmta: "default") == "yahoo.com")
    }

    @Test("a changed assignment routes new mail only; queued recipients stay; reload forgets assignments")
    func reassignmentAndReload() throws {
        var sim = try simulator()
        let own = QueueKey(domain: "gmail.com", vmta: "default")
        sim.engine.assignRollup("gmail.rollup", to: "gmail.com")
        // Hold everything so nothing drains while the routing changes.
        try sim.apply(.hold(domain: "gmail.rollup"))
        try sim.apply(.hold(domain: "gmail.com"))
        try sim.inject(2, to: "gmail.com", firstID: 1)
        sim.engine.assignRollup(nil, to: "gmail.com")
        try sim.inject(3, to: "gmail.com", firstID: 11)
        #expect(sim.engine.snapshot(of: Self.rollup, now: sim.now)?.queued == 2)
        #expect(sim.engine.snapshot(of: own, now: sim.now)?.queued == 3)
        #expect(sim.engine.settings(for: own).maxSmtpOut.value == 7)

        sim.engine.assignRollup("gmail.rollup", to: "gmail.com")
        #expect(sim.engine.rollup(of: "GMAIL.COM.") == "gmail.rollup")
        let withoutQueueTo = try configuration(Self.configText.replacingOccurrences(of: "queue-to Yahoo.com", with: ""))
        sim.handle(sim.engine.reload(withoutQueueTo, now: sim.now))
        #expect(sim.engine.rollup(of: "gmail.com") == nil)
        #expect(sim.engine.queueName(forDomain: "yahoo.ca", vmta: "default") == "yahoo.ca")
        try sim.inject(1, to: "gmail.com", firstID: 21)
        #expect(sim.engine.snapshot(of: own, now: sim.now)?.queued == 4)
        #expect(sim.engine.snapshot(of: Self.rollup, now: sim.now)?.queued == 2)
    }

    @Test("restored recipients are routed like new ones")
    func restoreRoutes() throws {
        var sim = try simulator()
        sim.engine.assignRollup("gmail.rollup", to: "googlemail.com")
        let message = Message(id: MessageID(1), sender: "s@x.test", recipients: ["a@googlemail.com", "b@yahoo.ca"],
                              size: 10, vmta: "default", receivedAt: .zero)
        let progress = [RestoredRecipient(attempts: 1), RestoredRecipient()]
        sim.handle(try sim.engine.restore(message, recipients: progress, now: sim.now))
        #expect(sim.engine.queueKeys == [Self.rollup, QueueKey(domain: "yahoo.com", vmta: "default")])
    }
}

struct RoutingTestError: Error, CustomStringConvertible {
    var description: String
}
