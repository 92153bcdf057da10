import SluiceBase
import Testing
@testable import SluiceSMTP

/// RFC 3461 §5.2: the DSN parameters go on to a peer that offers DSN, as received (xtext), and
/// to no other; the outcome says whether they went, so that the node knows who reports success.
@Suite struct SMTPClientDSNParameterTests {
    typealias M = ClientMachine

    static let withParameters = OutboundTransaction(
        sender: "b+u=d.test@s.test", mailParameters: MailParameters(ret: .headers, envelopeID: "env+2B42"),
        recipients: [.init(address: "u@d.test", parameters: RecipientParameters(notify: [.success, .failure],
                                                                                  originalRecipient: "rfc822;U+2Bx@d.test")),
                     .init(address: "v@d.test")],
        content: Array(M.content.utf8))

    @Test func passedOnToAPeerThatOffersDSN() throws {
        var machine = M.opened(["PIPELINING", "DSN"])
        #expect(machine.transactionRequested(Self.withParameters).first == .write(
            "MAIL FROM:<b+u=d.test@s.test> RET=HDRS ENVID=env+2B42\r\n"
            + "RCPT TO:<u@d.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;U+2Bx@d.test\r\nRCPT TO:<v@d.test>\r\nDATA\r\n"))
        _ = machine.replyReceived(M.mailOK)
        _ = machine.replyReceived(M.rcptOK)
        _ = machine.replyReceived(M.rcptOK)
        _ = machine.replyReceived(M.goAhead)
        let outcome = try #require(M.outcome(machine.replyReceived(M.queued)))
        #expect(outcome.dsnPassedOn)
        #expect(outcome.recipients.map(\.disposition) == [.delivered, .delivered])
    }

    @Test func notSentToAPeerWithoutDSNNorWithIgnoreDSN() throws {
        var plain = M.opened(["PIPELINING"])
        #expect(plain.transactionRequested(Self.withParameters).first == .write(
            "MAIL FROM:<b+u=d.test@s.test>\r\nRCPT TO:<u@d.test>\r\nRCPT TO:<v@d.test>\r\nDATA\r\n"))
        _ = plain.replyReceived(M.mailOK)
        _ = plain.replyReceived(M.rcptOK)
        _ = plain.replyReceived(M.rcptOK)
        _ = plain.replyReceived(M.goAhead)
        #expect(try #require(M.outcome(plain.replyReceived(M.queued))).dsnPassedOn == false)

        var ignoring = M.opened(["DSN"], configuration: M.configuration { $0.ignoreDSN = true })
        #expect(ignoring.transactionRequested(Self.withParameters).first == .write("MAIL FROM:<b+u=d.test@s.test>\r\n"))
    }

    @Test func xverpIsAcceptedOnMailFromAndNeverSentOn() {
        guard case .success(.mail(let sender, let parameters)) = SMTPCommandParser.parse("MAIL FROM:<list@s.test> XVERP") else {
            Issue.record("MAIL FROM with XVERP not parsed")
            return
        }
        #expect(sender == "list@s.test")
        #expect(parameters.verp)
        #expect(parameters.wireText == "")
        if case .success(.mail(_, let postfixForm)) = SMTPCommandParser.parse("MAIL FROM:<list@s.test> XVERP=+=") {
            #expect(postfixForm.verp)
        } else {
            Issue.record("XVERP=+= not parsed")
        }
    }
}
