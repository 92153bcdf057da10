import Testing
@testable import SluiceReports

/// RFC 3464 reports: the Appendix D examples, multiple recipients, foreign address types.
@Suite struct DeliveryStatusTests {
    @Test(arguments: [false, true])
    func simpleExampleFromTheRFC(crlf: Bool) throws {
        let report = try #require(try Samples.parse("rfc3464-simple.eml", crlf: crlf).bounce)
        #expect(report.format == .rfc3464)
        #expect(report.reportingMTA == "cs.utk.edu")
        #expect(report.recipients == [BouncedRecipient(
            finalRecipient: "louisl@larry.slip.umd.edu",
            originalRecipient: "louisl@larry.slip.umd.edu",
            action: .failed,
            status: EnhancedStatus(statusClass: 4, subject: 0, detail: 0),
            diagnosticCode: "426 connection timed out",
            lastAttemptDate: "Thu, 7 Jul 1994 17:15:49 -0400"
        )])
        // The RFC's placeholder "[original message goes here]" holds no header field.
        #expect(report.original == nil)
    }

    @Test func multipleRecipientsEachWithTheirOwnFields() throws {
        let report = try #require(try Samples.parse("rfc3464-multi.eml").bounce)
        #expect(report.recipients.map(\.finalRecipient) == ["arathib@vnet.ibm.com", "johnh@hpnjld.njd.hp.com", "wsnell@sdcc13.ucsd.edu"])
        #expect(report.recipients.map(\.action) == [.failed, .delayed, .failed])
        #expect(report.recipients.map { $0.status?.description } == ["5.0.0", "4.0.0", "5.0.0"])
        #expect(report.recipients[0].diagnosticCode == "550 'arathib@vnet.IBM.COM' is not a registered gateway user")
        #expect(report.recipients[0].remoteMTA == "vnet.ibm.com")
        #expect(report.recipients[1].diagnosticCode == nil)
        #expect(report.recipients[2].remoteMTA == "sdcc13.ucsd.edu")
    }

    @Test func delayWarningFromTheRFC() throws {
        let report = try #require(try Samples.parse("rfc3464-delayed.eml").bounce)
        #expect(report.reportingMTA == "sun2.nsfnet-relay.ac.uk")
        #expect(report.recipients.map(\.finalRecipient) == ["thomas@de-montfort.ac.uk"])
        #expect(report.recipients.first?.action == .delayed)
    }

    /// RFC 3464's third example names its recipient in a foreign address type (`unknown; nair_s`):
    /// nothing can be attributed to an address, so nothing may be suppressed.
    @Test func foreignAddressTypeIsNotARecipient() throws {
        #expect(try Samples.parse("rfc3464-foreign-address.eml").unparsedReason == .noRecipientAddress)
    }

    @Test func perMessageFieldsAndTheReturnedHeaders() {
        let message = """
        From: MAILER-DAEMON@mx.receiver.example
        Subject: Undelivered Mail Returned to Sender
        Content-Type: multipart/report; report-type=delivery-status; boundary="b"

        --b
        Content-Type: text/plain

        Bounce.
        --b
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.receiver.example
        X-Postfix-Queue-ID: 897DAC0
        Original-Envelope-Id: 0GK500B4HD0888@sender.example
        Arrival-Date: Wed, 29 Jan 2025 17:36:51 +0100 (CET)

        Final-Recipient: rfc822; <ada@receiver.example>
        Original-Recipient: rfc822;Ada@Receiver.example
        Action: failed
        Status: 5.1.1
        Remote-MTA: dns; lmtp.receiver.example
        Diagnostic-Code: smtp; 550 5.1.1 <ada@receiver.example>:
          Recipient address rejected: User unknown

        --b
        Content-Type: text/rfc822-headers

        Message-ID: <20250129.1@mta1.sender.example>
        X-Job: january
        X-Virtual-MTA: vmta1
        DKIM-Signature: v=1; a=rsa-sha256; d=sender.example; s=s1;
          h=from:to; b=abc
        --b--
        """
        let report = ReportParser().parse(message.bytes).bounce
        #expect(report?.reportingMTA == "mx.receiver.example")
        #expect(report?.originalEnvelopeID == "0GK500B4HD0888@sender.example")
        #expect(report?.arrivalDate == "Wed, 29 Jan 2025 17:36:51 +0100 (CET)")
        let recipient = report?.recipients.first
        #expect(recipient?.finalRecipient == "ada@receiver.example")
        #expect(recipient?.originalRecipient == "Ada@Receiver.example")
        #expect(recipient?.address == "Ada@Receiver.example")
        #expect(recipient?.diagnosticCode == "550 5.1.1 <ada@receiver.example>: Recipient address rejected: User unknown")
        #expect(recipient?.remoteMTA == "lmtp.receiver.example")
        #expect(report?.original?.messageID == "20250129.1@mta1.sender.example")
        #expect(report?.original?.header(named: "x-job") == "january")
        #expect(report?.original?.header(named: "X-Virtual-MTA") == "vmta1")
        #expect(report?.original?.header(named: "DKIM-Signature") == "v=1; a=rsa-sha256; d=sender.example; s=s1; h=from:to; b=abc")
    }

    /// A group without Action takes it from the status class; a missing Status comes from the
    /// diagnostic's enhanced code.
    @Test func actionAndStatusFallBack() {
        let message = """
        Content-Type: multipart/report; report-type=delivery-status; boundary=x

        --x
        Content-Type: message/delivery-status

        Final-Recipient: rfc822;bo@receiver.example
        Diagnostic-Code: smtp; 452 4.2.2 Mailbox full
        --x--
        """
        let recipient = ReportParser().parse(message.bytes).bounce?.recipients.first
        #expect(recipient?.status == EnhancedStatus(statusClass: 4, subject: 2, detail: 2))
        #expect(recipient?.action == .delayed)
    }
}
