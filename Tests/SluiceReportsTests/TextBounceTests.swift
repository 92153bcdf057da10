import Testing
@testable import SluiceReports

/// The non-standard bounces, each from a sample shaped like the real one.
@Suite struct TextBounceTests {
    struct Expected: Sendable, CustomStringConvertible {
        var sample: String
        var format: BounceFormat
        var recipients: [String]
        var statuses: [String?]
        var diagnosticContains: [String]
        var reportingMTA: String?
        var originalMessageID: String?
        var description: String { sample }
    }

    static let cases: [Expected] = [
        Expected(
            sample: "postfix.eml", format: .postfix,
            recipients: ["gina@receiver.example", "hal@receiver.example"], statuses: ["5.1.1", "5.2.2"],
            diagnosticContains: ["User unknown in virtual mailbox table", "Mailbox full"],
            reportingMTA: "mail.receiver.example", originalMessageID: nil
        ),
        Expected(
            sample: "postfix-mixed.eml", format: .postfix,
            recipients: ["ivan@receiver.example"], statuses: [nil],
            diagnosticContains: ["said: 550 <ivan@receiver.example>: User unknown"],
            reportingMTA: "smtp.receiver.example", originalMessageID: "20261105030959.4715.1@mta1.sender.example"
        ),
        Expected(
            sample: "qmail.eml", format: .qmail,
            recipients: ["jill@receiver.example", "kim@receiver.example"], statuses: ["5.1.1", "5.1.1"],
            diagnosticContains: ["Remote host said: 550 5.1.1 <jill@receiver.example>... User unknown", "no mailbox here by that name"],
            reportingMTA: "mx4.receiver.example", originalMessageID: "20261105235958.4716.1@mta1.sender.example"
        ),
        Expected(
            sample: "exim.eml", format: .exim,
            recipients: ["liam@receiver.example", "mona@receiver.example"], statuses: ["5.1.1", "5.2.2"],
            diagnosticContains: ["Recipient address rejected: User unknown", "552 5.2.2 Mailbox quota exceeded"],
            reportingMTA: nil, originalMessageID: "20261106191518.4717.1@mta1.sender.example"
        ),
        Expected(
            sample: "exchange.eml", format: .exchange,
            recipients: ["nina@receiver.example"], statuses: ["5.1.10"],
            diagnosticContains: ["Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'"],
            reportingMTA: "BN1PR01MB0001.prod.outlook.com", originalMessageID: "20261107082957.4718.1@mta1.sender.example"
        ),
        Expected(
            sample: "gmail.eml", format: .gmail,
            recipients: ["olga@gmail.example"], statuses: ["5.1.1"],
            diagnosticContains: ["The email account that you tried to reach does not exist"],
            reportingMTA: nil, originalMessageID: "20261108073100.4719.1@mta1.sender.example"
        ),
        Expected(
            sample: "yahoo.eml", format: .yahoo,
            recipients: ["paul@yahoo.example"], statuses: [nil],
            diagnosticContains: ["554 delivery error: dd This user doesn't have a yahoo.example account"],
            reportingMTA: nil, originalMessageID: "20261109221102.4720.1@mta1.sender.example"
        ),
        Expected(
            sample: "sendmail.eml", format: .sendmail,
            recipients: ["quinn@receiver.example", "rosa@receiver.example"], statuses: ["5.1.1", "5.7.1"],
            diagnosticContains: ["550 5.1.1 <quinn@receiver.example>... User unknown", "550 5.7.1 <rosa@receiver.example>... Relaying denied"],
            reportingMTA: nil, originalMessageID: "20261110144500.4721.1@mta1.sender.example"
        ),
    ]

    @Test(arguments: cases, [false, true])
    func recognised(expected: Expected, crlf: Bool) throws {
        let report = try #require(try Samples.parse(expected.sample, crlf: crlf).bounce)
        #expect(report.format == expected.format)
        #expect(report.recipients.map(\.finalRecipient) == expected.recipients)
        #expect(report.recipients.map { $0.status?.description } == expected.statuses)
        #expect(report.recipients.allSatisfy { $0.action == .failed })
        for (recipient, fragment) in zip(report.recipients, expected.diagnosticContains) {
            #expect(recipient.diagnosticCode?.contains(fragment) == true, "\(recipient.diagnosticCode ?? "nil")")
        }
        #expect(report.reportingMTA == expected.reportingMTA)
        #expect(report.original?.messageID == expected.originalMessageID)
    }

    /// Postfix's and Gmail's delay notices are `delayed`, not failures.
    @Test func delayNotices() {
        let postfix = """
        From: MAILER-DAEMON@mail.receiver.example (Mail Delivery System)
        Subject: Delayed Mail (still being retried)

        This is the mail system at host mail.receiver.example.

        ####################################################################
        # THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
        ####################################################################

        <sam@receiver.example>: connect to mx.receiver.example[198.51.100.9]:25:
            Connection timed out
        """
        let gmail = """
        From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
        Subject: Delivery Status Notification (Delay)

        Delivery to the following recipient has been delayed:

             tea@receiver.example

        Message will be retried for 2 more day(s)

        Technical details of temporary failure:
        The recipient server did not accept our requests to connect.
        """
        for text in [postfix, gmail] {
            let recipient = ReportParser().parse(text.bytes).bounce?.recipients.first
            #expect(recipient?.action == .delayed)
            #expect(recipient?.finalRecipient.hasSuffix("@receiver.example") == true)
        }
    }

    /// Gmail's newer wording names the address in a sentence.
    @Test func gmailNewerWording() {
        let text = """
        From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
        Subject: Delivery Status Notification (Failure)

        ** Address not found **

        Your message wasn't delivered to uma@receiver.example because the address couldn't be found, or is unable to receive mail.

        The response from the remote server was:
        550 5.1.1 The email account that you tried to reach does not exist.
        """
        let recipient = ReportParser().parse(text.bytes).bounce?.recipients.first
        #expect(recipient?.finalRecipient == "uma@receiver.example")
        #expect(recipient?.status?.description == "5.1.1")
        #expect(recipient?.diagnosticCode == "550 5.1.1 The email account that you tried to reach does not exist.")
    }

    /// An Exim bounce whose address lines cannot be read falls back to X-Failed-Recipients.
    @Test func eximFallsBackToFailedRecipientsHeader() {
        let text = """
        From: Mail Delivery System <Mailer-Daemon@relay.receiver.example>
        X-Failed-Recipients: vic@receiver.example

        This message was created automatically by mail delivery software.

        A message that you sent could not be delivered to one or more of its
        recipients. This is a permanent error.
        """
        let report = ReportParser().parse(text.bytes).bounce
        #expect(report?.format == .exim)
        #expect(report?.recipients.map(\.finalRecipient) == ["vic@receiver.example"])
    }

    /// A recognised bounce text that names nobody is not attributable.
    @Test func recognisedTextWithoutAddress() {
        let text = """
        From: MAILER-DAEMON@mx4.receiver.example

        Hi. This is the qmail-send program at mx4.receiver.example.
        I'm afraid I wasn't able to deliver your message to the following addresses.

        <[redacted]>:
        Sorry, no mailbox here by that name.
        """
        #expect(ReportParser().parse(text.bytes).unparsedReason == .noRecipientAddress)
    }
}
