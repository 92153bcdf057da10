import SluiceAccounting
import SluiceConfig
import SluiceControlProtocol
import SluiceCore
import SluiceDNS
import SluiceSMTP
@testable import SluiceServer
import SluiceSpool
import Testing

/// Which recipients get which DSN, decided by the node's core from delivery outcomes (pure: no
/// spool, no sockets, no clock).
@Suite("DSN decisions: NOTIFY, null sender, DSN of a DSN, deliver-local-dsn, passed on or relayed")
struct DSNDecisionTests {
    typealias F = CoreFixtures

    /// The spool envelope of a message from `sender` to `recipients` with `notify` (nil: none given).
    static func envelope(sender: String = "sender@node.test", _ recipients: [String], notify: [String?]? = nil,
                         orcpt: String? = nil, ret: String? = nil, envid: String? = nil, suppress: Bool = false,
                         verp: Bool = false) -> SpoolEnvelope {
        SpoolEnvelope(sender: sender,
                      recipients: recipients.enumerated().map { i, address in
                          SpoolRecipient(address: address, notify: notify?[i], originalRecipient: i == 0 ? orcpt : nil)
                      },
                      vmta: "v1", receivedAt: F.t0, ret: ret, envelopeID: envid, verp: verp, suppressDSN: suppress)
    }

    /// Admits the message, opens its connection and answers its transaction(s) with `reply`
    /// (`passedOn`: the peer took the DSN parameters). Returns the effects of the answers.
    static func deliver(_ envelope: SpoolEnvelope, reply: SMTPReply, passedOn: Bool = false, extra: String = "",
                        core: inout NodeCore) throws -> [NodeEffect] {
        let message = Message(id: MessageID(1), sender: envelope.sender, recipients: envelope.recipients.map(\.address),
                              size: 100, vmta: "v1", receivedAt: F.t0, verp: envelope.verp)
        let open = try #require(try core.admit(message, dsn: MessageDSNInfo(envelope), now: F.t0).opens.first)
        var pending = core.connected(open.id, .connected(DeliveryHandle(7), F.target), now: F.t0).sends
        var effects: [NodeEffect] = []
        while let send = pending.first {
            pending.removeFirst()
            var outcome = F.outcome(reply, for: send.transaction.recipients)
            outcome.dsnPassedOn = passedOn
            let done = core.transactionFinished(send.transaction.id, outcome, now: F.t0 + .seconds(1))
            effects += done
            pending += done.sends
        }
        return effects
    }

    static let unknownUser = SMTPReply(550, "5.1.1", "No such user")

    @Test("a bounce with no NOTIFY gets one failed DSN for the recipients of the transaction; their progress waits for it")
    func bounceGetsFailedDSN() throws {
        var core = try F.core()
        let effects = try Self.deliver(Self.envelope(["a@one.test", "b@one.test"], envid: "batch+2B7"), reply: Self.unknownUser,
                                       core: &core)
        let dsn = try #require(effects.dsns.first)
        #expect(effects.dsns.count == 1)
        #expect(dsn.kind == .failed)
        #expect(dsn.message.sender == "sender@node.test")
        #expect(dsn.message.envelopeID == "batch+7", "ENVID is decoded from xtext")
        #expect(dsn.recipients.map(\.recipient) == ["a@one.test", "b@one.test"])
        #expect(dsn.recipients.map(\.status) == ["5.1.1", "5.1.1"])
        #expect(dsn.recipients.first?.diagnostic == "550 5.1.1 No such user")
        #expect(dsn.recipients.first?.remoteMTA == "mx.one.test")
        #expect(dsn.queue == QueueKey(domain: "one.test", vmta: "v1") && dsn.vmta == "v1")
        #expect(dsn.progress.map(\.recipient) == [0, 1])
        #expect(dsn.progress.allSatisfy { $0.outcome == .bounced })
        // The bounces' progress is not written with the batch: only once the DSN is stored.
        let written = effects.compactMap { if case .recordProgress(let e) = $0 { e } else { nil } }.flatMap { $0 }
        #expect(written.isEmpty)
        // The `dsn` event, published once stored.
        let event = NodeCore.dsnEvent(dsn, now: F.t0)
        #expect(event.kind == "dsn" && event.queue == "one.test/v1" && event.recipient == "a@one.test" && event.code == 0)
        #expect(event.dsnDiag == "DSN (failed) to sender@node.test" && event.category == "failed")
    }

    @Test("NOTIFY decides: NEVER and SUCCESS-only get no failure DSN, FAILURE and DELAY,FAILURE do; ORCPT is reported")
    func notifyVariants() throws {
        var core = try F.core()
        let recipients = ["never@one.test", "success@one.test", "failure@one.test", "both@one.test", "none@one.test"]
        let effects = try Self.deliver(Self.envelope(recipients, notify: ["NEVER", "SUCCESS", "FAILURE", "DELAY,FAILURE", nil],
                                                     orcpt: "rfc822;Never+2Bx@one.test"),
                                       reply: Self.unknownUser, core: &core)
        let dsn = try #require(effects.dsns.first)
        #expect(dsn.recipients.map(\.recipient) == ["failure@one.test", "both@one.test", "none@one.test"])
        // The recipients without a DSN have their progress written at once.
        let written = effects.compactMap { if case .recordProgress(let e) = $0 { e } else { nil } }.flatMap { $0 }
        #expect(Set(written.map(\.recipient)) == [0, 1])
        #expect(Set(dsn.progress.map(\.recipient)) == [2, 3, 4])
    }

    @Test("no DSN for the null sender (so never for a DSN), for suppress-local-dsn, nor for a sender domain with deliver-local-dsn no")
    func noDSN() throws {
        var nullSender = try F.core()
        #expect(try Self.deliver(Self.envelope(sender: "", ["a@one.test"]), reply: Self.unknownUser, core: &nullSender).dsns.isEmpty)
        var suppressed = try F.core()
        #expect(try Self.deliver(Self.envelope(["a@one.test"], suppress: true), reply: Self.unknownUser, core: &suppressed)
                    .dsns.isEmpty)
        var senderDomainOff = try F.core("<domain node.test>\n    deliver-local-dsn no\n</domain>")
        #expect(try Self.deliver(Self.envelope(["a@one.test"]), reply: Self.unknownUser, core: &senderDomainOff).dsns.isEmpty)
        // A message without DSN facts (a DSN is admitted with none) gets none either.
        var plain = try F.core()
        let open = try #require(try plain.admit(F.message(1, to: ["a@one.test"]), now: F.t0).opens.first)
        let send = try #require(plain.connected(open.id, .connected(DeliveryHandle(7), F.target), now: F.t0).sends.first)
        #expect(plain.transactionFinished(send.transaction.id, F.outcome(Self.unknownUser, for: ["a@one.test"]), now: F.t0).dsns
                    .isEmpty)
    }

    @Test("dsn-format of the sender's domain is carried to the composer")
    func dsnFormat() throws {
        var core = try F.core("<domain node.test>\n    dsn-format plain-text\n</domain>")
        let dsn = try #require(try Self.deliver(Self.envelope(["a@one.test"]), reply: Self.unknownUser, core: &core).dsns.first)
        #expect(dsn.format == .plainText)
    }

    @Test("NOTIFY=SUCCESS: a relayed DSN when the peer did not take the parameters, none when it did; none without SUCCESS")
    func success() throws {
        let delivered = SMTPReply(250, "2.0.0", "queued")
        var notPassed = try F.core()
        let relayed = try #require(try Self.deliver(Self.envelope(["a@one.test", "b@one.test"], notify: ["SUCCESS,FAILURE", nil]),
                                                    reply: delivered, core: &notPassed).dsns.first)
        #expect(relayed.kind == .relayed)
        #expect(relayed.recipients.map(\.recipient) == ["a@one.test"])
        var passed = try F.core()
        #expect(try Self.deliver(Self.envelope(["a@one.test"], notify: ["SUCCESS"]), reply: delivered, passedOn: true,
                                 core: &passed).dsns.isEmpty)
    }

    @Test("the envelope passes NOTIFY, ORCPT, RET and ENVID on as received, and a VERP message's sender encodes its recipient")
    func outboundEnvelope() throws {
        var core = try F.core()
        let envelope = Self.envelope(["a+x@one.test", "b@one.test"], notify: ["SUCCESS,DELAY", nil], orcpt: "rfc822;A+2Bx@one.test",
                                     ret: "FULL", envid: "e+2B1", verp: true)
        let message = Message(id: MessageID(1), sender: envelope.sender, recipients: envelope.recipients.map(\.address),
                              size: 100, vmta: "v1", receivedAt: F.t0, verp: true)
        let open = try #require(try core.admit(message, dsn: MessageDSNInfo(envelope), now: F.t0).opens.first)
        let first = try #require(core.connected(open.id, .connected(DeliveryHandle(7), F.target), now: F.t0).envelopes.first)
        #expect(first.sender == "sender+a+x=one.test@node.test")
        #expect(first.mailParameters.ret == .full && first.mailParameters.envelopeID == "e+2B1")
        #expect(first.recipients.map(\.address) == ["a+x@one.test"])
        #expect(first.recipients.first?.parameters == RecipientParameters(notify: [.success, .delay],
                                                                           originalRecipient: "rfc822;A+2Bx@one.test"))
    }
}
