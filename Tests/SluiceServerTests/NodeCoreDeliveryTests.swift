import SluiceAccounting
import SluiceConfig
import SluiceControlProtocol
import SluiceCore
import SluiceDNS
import SluiceSMTP
@testable import SluiceServer
import SluiceSpool
import Testing

/// ``NodeCore``: engine actions and delivery results in, effects out (no I/O).
@Suite("Node core: engine actions and delivery results to effects")
struct NodeCoreDeliveryTests {
    typealias F = CoreFixtures

    @Test("admission accounts the reception first, then asks for a connection planned from the queue's settings and vmta")
    func admissionOpensAConnection() throws {
        var core = try F.core("<acct-file /dev/null>\n    records r,d,b\n    record-fields d rcpt,header_Subject\n</acct-file>")
        let effects = try core.admit(F.message(1, to: ["a@one.test"]), headers: ["subject": "Hi"], now: F.t0)
        guard case .writeAccounting(let received) = effects.first else { Issue.record("no r row first: \(effects)"); return }
        #expect(received.type == .received && received.rcpt == "a@one.test")
        let open = try #require(effects.opens.first)
        #expect(effects.opens.count == 1)
        #expect(open.plan.domain == "one.test" && open.plan.queue == QueueKey(domain: "one.test", vmta: "v1"))
        #expect(open.plan.client.sourceAddress == "192.0.2.10" && open.plan.client.heloName == "out.node.test")
        #expect(core.links[open.id] == .connecting)
        #expect(core.messagesReceived == 1)
        #expect(core.accountingHeaderValues[MessageID(1)] == ["subject": "Hi"])
    }

    @Test("an open connection gets the transaction; its 250 becomes a d row with the connection's addresses, an event and progress, last")
    func deliveryRecorded() throws {
        var core = try F.core("<acct-file /dev/null>\n    records d\n    record-fields d rcpt,header_Subject\n</acct-file>")
        let open = try #require(try core.admit(F.message(1, to: ["a@one.test"]), headers: ["subject": "Hi"], now: F.t0).opens.first)
        let started = core.connected(open.id, .connected(DeliveryHandle(7), F.target), now: F.t0)
        let send = try #require(started.sends.first)
        #expect(send.handle == DeliveryHandle(7) && send.transaction.recipients == ["a@one.test"])
        #expect(core.running[send.transaction.id]?.target == F.target)

        let done = core.transactionFinished(send.transaction.id, F.outcome(SMTPReply(250, "2.0.0", "queued as 12"), for: ["a@one.test"]),
                                            now: F.t0 + .seconds(1))
        let row = try #require(done.rows.first)
        #expect(row.type == .delivered && row.rcpt == "a@one.test" && row.dsnDiag == "250 2.0.0 queued as 12")
        #expect(row.dlvSourceIp == "192.0.2.10" && row.dlvDestinationIp == "192.0.2.1" && row.dsnMta == "mx.one.test")
        #expect(row.headers == ["subject": "Hi"])
        #expect(done.events.map(\.kind) == ["delivered"])
        guard case .recordProgress(let entries) = done.last else { Issue.record("progress is not last: \(done)"); return }
        #expect(entries == [RecipientProgress(message: MessageID(1), recipient: 0, outcome: .delivered, attempts: 1)])
        #expect(core.running.isEmpty)
        #expect(core.accountingHeaderValues[MessageID(1)] == nil, "forgotten once the message is finished")
        #expect(core.recent.recent(matching: EventFilter()).map(\.recipient) == ["a@one.test"])
    }

    @Test("a DNS verdict answers the transaction at once: a bounce, counted by category, nothing sent")
    func verdictAnswersAtOnce() throws {
        var core = try F.core()
        let open = try #require(try core.admit(F.message(1, to: ["a@one.test"]), now: F.t0).opens.first)
        let effects = core.connected(open.id, .verdict(SMTPReply(550, "5.1.2", "no such domain")), now: F.t0)
        #expect(effects.sends.isEmpty)
        #expect(effects.rows.map(\.type) == [.bounced])
        #expect(effects.progress.map(\.outcome) == [.bounced])
        #expect(core.bouncesByCategory.values.reduce(0, +) == 1)
        #expect(core.links[open.id] == .verdict(SMTPReply(550, "5.1.2", "no such domain")))
    }

    @Test("a failed connection is forgotten and its recipients wait for the retry; a connection the engine no longer wants is closed")
    func failedAndUnwantedConnections() throws {
        var core = try F.core()
        let open = try #require(try core.admit(F.message(1, to: ["a@one.test"]), now: F.t0).opens.first)
        let failed = core.connected(open.id, .failed(.noAnswer("connection refused")), now: F.t0)
        #expect(failed.sends.isEmpty && core.links[open.id] == nil)
        #expect(core.engine.pendingRecipients == 1)
        #expect(core.connected(ConnectionID(999), .connected(DeliveryHandle(3), F.target), now: F.t0).closes == [DeliveryHandle(3)])
        #expect(core.connected(ConnectionID(998), .failed(.noAnswer("late")), now: F.t0).isEmpty)
    }

    @Test("smtp-421-means-mx-unavailable: the host that said 421 goes last in the next plans, until twice the longest retry interval")
    func fourTwentyOneMarksTheHost() throws {
        var core = try F.core("<domain one.test>\n    smtp-421-means-mx-unavailable yes\n</domain>")
        let key = QueueKey(domain: "one.test", vmta: "v1")
        let open = try #require(try core.admit(F.message(1, to: ["a@one.test"]), now: F.t0).opens.first)
        let send = try #require(core.connected(open.id, .connected(DeliveryHandle(1), F.target), now: F.t0).sends.first)
        let deferred = core.transactionFinished(send.transaction.id, F.outcome(SMTPReply(421, "4.7.0", "try later"), for: ["a@one.test"]),
                                                now: F.t0)
        #expect(deferred.events.map(\.kind) == ["deferred"])
        #expect(core.links[open.id] == nil, "a connection that said 421 is not reused")
        #expect(core.unavailableHosts[key]?["192.0.2.1"] != nil)

        var retry: [NodeEffect] = []
        var now = F.t0
        while retry.opens.isEmpty, now < F.t0 + .minutes(5) {
            now = core.nextWakeup(after: now)
            retry = core.tick(now: now)
        }
        #expect(try #require(retry.opens.first).plan.unavailable == ["192.0.2.1"])
        // After the mark lapses, the host is an ordinary one again.
        let lapsed = try #require(core.unavailableHosts[key]?["192.0.2.1"])
        _ = core.connected(try #require(retry.opens.first).id, .failed(.noAnswer("refused")), now: now)
        var later: [NodeEffect] = []
        now = lapsed
        while later.opens.isEmpty, now < lapsed + .hours(2) {
            now = core.nextWakeup(after: now)
            later = core.tick(now: now)
        }
        #expect(try #require(later.opens.first).plan.unavailable.isEmpty)
        #expect(core.unavailableHosts[key] == nil)
    }

    @Test("a content the spool cannot read defers every recipient and keeps the connection")
    func contentUnavailable() throws {
        var core = try F.core()
        let open = try #require(try core.admit(F.message(1, to: ["a@one.test", "b@one.test"]), now: F.t0).opens.first)
        let transaction = try #require(core.connected(open.id, .connected(DeliveryHandle(1), F.target), now: F.t0).sends.first).transaction
        let outcome = NodeCore.contentUnavailable(transaction, because: TestError("gone"))
        #expect(outcome.connectionReusable)
        #expect(outcome.recipients.map { $0.reply.code } == [451, 451])
        #expect(outcome.recipients.allSatisfy { $0.reply.dsnDiag.contains("message content unavailable") })
        let effects = core.transactionFinished(transaction.id, outcome, now: F.t0)
        #expect(effects.events.map(\.kind) == ["deferred", "deferred"])
        #expect(core.links[open.id] != nil, "the connection is kept")
    }

    @Test("stopping: no new connections, transactions left in flight, open connections handed back to be closed")
    func stopping() throws {
        var core = try F.core()
        let open = try #require(try core.admit(F.message(1, to: ["a@one.test"]), now: F.t0).opens.first)
        core.stop()
        let started = core.connected(open.id, .connected(DeliveryHandle(5), F.target), now: F.t0)
        #expect(started.sends.isEmpty, "left in flight: restored from the spool on restart")
        #expect(try core.admit(F.message(2, to: ["b@two.test"]), now: F.t0).opens.isEmpty)
        #expect(core.releaseConnections() == [DeliveryHandle(5)])
        #expect(core.links.isEmpty)
    }
}
