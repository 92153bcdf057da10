import SluiceAccounting
import SluiceConfig
import SluiceControlProtocol
@testable import SluiceCore
import SluiceDNS
@testable import SluiceServer
import SluiceSpool
import Testing

/// How one recipient outcome is written down: progress, event, accounting row.
@Suite("Records to progress, events and accounting rows")
struct RecordMappingTests {
    typealias F = CoreFixtures

    static func record(_ outcome: DeliveryRecord.Outcome, _ diagnostic: String, category: BounceCategory? = nil,
                       nextAttempt: Instant? = nil) -> DeliveryRecord {
        DeliveryRecord(outcome: outcome, time: F.t0 + .seconds(2), messageID: MessageID(9), recipient: "a@one.test",
                       recipientIndex: 3, sender: "s@node.test", queue: QueueKey(domain: "one.test", vmta: "v1"), jobID: "job7",
                       receivedAt: F.t0, diagnostic: diagnostic, status: nil, category: category, attempts: 2,
                       nextAttempt: nextAttempt)
    }

    @Test("each outcome's spool progress; a deferral carries its next attempt (its own time when the engine gives none)")
    func progress() {
        let retry = F.t0 + .minutes(5)
        #expect(RecordMapping.progress(of: Self.record(.delivered, "250 ok")).outcome == .delivered)
        #expect(RecordMapping.progress(of: Self.record(.bounced, "550 no")).outcome == .bounced)
        #expect(RecordMapping.progress(of: Self.record(.expired, "expired")).outcome == .expired)
        #expect(RecordMapping.progress(of: Self.record(.deleted, "deleted")).outcome == .deleted)
        #expect(RecordMapping.progress(of: Self.record(.deferred, "421 later", nextAttempt: retry))
                == RecipientProgress(message: MessageID(9), recipient: 3, outcome: .deferred(nextAttempt: retry), attempts: 2))
        #expect(RecordMapping.progress(of: Self.record(.deferred, "421 later")).outcome == .deferred(nextAttempt: F.t0 + .seconds(2)))
    }

    @Test("events: time in seconds, the reply code from the dsnDiag (0 for a local reason), a category except for deliveries")
    func events() {
        let bounce = RecordMapping.event(of: Self.record(.bounced, "550 5.1.1 user unknown", category: .badMailbox))
        #expect(bounce == EventRecord(time: 1002, kind: "bounced", queue: "one.test/v1", recipient: "a@one.test", code: 550,
                                      dsnDiag: "550 5.1.1 user unknown", category: "bad-mailbox"))
        #expect(RecordMapping.event(of: Self.record(.delivered, "250 ok", category: .other)).category == "")
        #expect(RecordMapping.event(of: Self.record(.deferred, "no answer from host: refused")).code == 0)
        #expect(RecordMapping.replyCode("4x1 odd") == 0 && RecordMapping.replyCode("42") == 0 && RecordMapping.replyCode("421") == 421)
    }

    @Test("accounting rows: the node, the vmta's source address, the target of the transaction, the message's header values; bounces counted by category")
    func accountingRows() throws {
        var core = try F.core()
        core.accountingHeaderValues[MessageID(9)] = ["subject": "Hi"]
        var effects: [NodeEffect] = []
        let progress = core.note(Self.record(.bounced, "550 5.1.1 user unknown", category: .badMailbox), destination: F.target,
                                 into: &effects)
        #expect(progress.outcome == .bounced)
        let row = try #require(effects.rows.first)
        #expect(row.type == .bounced && row.rcpt == "a@one.test" && row.orig == "s@node.test" && row.jobId == "job7")
        #expect(row.dlvSourceIp == "192.0.2.10" && row.dlvDestinationIp == "192.0.2.1" && row.dsnMta == "mx.one.test")
        #expect(row.bounceCat == .badMailbox && row.dsnDiag == "550 5.1.1 user unknown" && row.headers == ["subject": "Hi"])
        #expect(effects.events.map(\.kind) == ["bounced"])
        #expect(core.bouncesByCategory == ["bad-mailbox": 1])

        var quiet = try NodeCore(configuration: loadConfiguration(F.configuration),
                                 engine: DeliveryEngine(configuration: loadConfiguration(F.configuration)),
                                 hostName: "node.test", writesAccounting: false)
        var none: [NodeEffect] = []
        _ = quiet.note(Self.record(.delivered, "250 ok"), destination: nil, into: &none)
        #expect(none.rows.isEmpty, "no accounting file: no rows")
        #expect(none.events.count == 1)
    }
}
