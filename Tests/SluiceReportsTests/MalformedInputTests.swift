import Testing
@testable import SluiceReports

/// Input that is not a readable report: always `.unparsed` with a specific reason.
@Suite struct MalformedInputTests {
    static let cases: [(name: String, message: String, reason: UnparsedReason)] = [
        ("ordinary mail", "From: a@sender.example\nSubject: hi\n\nJust a note.\n", .noMachineReadablePart),
        ("report without machine-readable part", """
        Content-Type: multipart/report; report-type=delivery-status; boundary=b

        --b
        Content-Type: text/plain

        Something went wrong.
        --b--
        """, .noMachineReadablePart),
        ("multipart without boundary", "Content-Type: multipart/report; report-type=delivery-status\n\n--b\n\n--b--\n",
         .brokenMIME("multipart/report without a boundary parameter")),
        ("boundary never appears", "Content-Type: multipart/mixed; boundary=\"expected\"\n\n--other\nContent-Type: text/plain\n\nx\n--other--\n",
         .brokenMIME("boundary \"expected\" not found")),
        ("truncated in headers", "From: MAILER-DAEMON@mx.receiver.example\nContent-Type: multipart/rep", .brokenMIME("the message ends inside its header section")),
        ("only a header line, no blank line", "Subject: x\n", .brokenMIME("the message ends inside its header section")),
        ("no header fields", "\nbody only\n", .brokenMIME("no header fields")),
        ("delivery-status with a non-address", """
        Content-Type: multipart/report; report-type=delivery-status; boundary=b

        --b
        Content-Type: message/delivery-status

        Final-Recipient: rfc822; [redacted]
        Original-Recipient: rfc822; xxxxxxxx
        Action: failed
        Status: 5.1.1

        Final-Recipient: rfc822; undisclosed-recipients:;
        Action: failed
        Status: 5.1.1
        --b--
        """, .noRecipientAddress),
        ("delivery-status without recipient groups", """
        Content-Type: multipart/report; report-type=delivery-status; boundary=b

        --b
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.receiver.example
        --b--
        """, .malformedReport("message/delivery-status without per-recipient fields")),
        ("nested boundary missing", """
        Content-Type: multipart/mixed; boundary=outer

        --outer
        Content-Type: multipart/report; boundary=inner

        --wrong
        --outer--
        """, .brokenMIME("nested boundary \"inner\" not found")),
    ]

    @Test(arguments: cases)
    func unparsedWithReason(name: String, message: String, reason: UnparsedReason) {
        #expect(ReportParser().parse(message.bytes).unparsedReason == reason, "\(name)")
    }

    @Test func reasonsReadAsOneLine() {
        #expect(UnparsedReason.noMachineReadablePart.description == "no machine-readable part")
        #expect(UnparsedReason.noRecipientAddress.description == "no recipient address")
        #expect(UnparsedReason.brokenMIME("boundary \"b\" not found").description == "broken MIME: boundary \"b\" not found")
        #expect(UnparsedReport(reason: .limitExceeded("x")).description == "limit exceeded: x")
    }

    @Test func emptyAndBinaryInput() {
        #expect(ReportParser().parse([]).unparsedReason == .brokenMIME("the message ends inside its header section"))
        var generator = SeededGenerator(state: 7)
        let junk = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(ReportParser().parse(junk).unparsedReason != nil)
    }

    @Test func headerSectionOverTheLimit() {
        let parser = ReportParser(limits: ReportLimits(maxHeaderBytes: 1024))
        let message = "X-Long: " + String(repeating: "a", count: 4096) + "\n\nbody\n"
        #expect(parser.parse(message.bytes).unparsedReason == .limitExceeded("header section larger than 1024 bytes"))
    }

    /// Multiparts nested far deeper than the limit: the walk stops at the limit and says so.
    @Test func deepNestingStopsAtTheLimit() {
        let depth = 5000
        var message = "Content-Type: multipart/mixed; boundary=b0\n\n"
        for level in 1..<depth { message += "--b\(level - 1)\nContent-Type: multipart/mixed; boundary=b\(level)\n\n" }
        message += "--b\(depth - 1)\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; deep@receiver.example\nAction: failed\n"
        #expect(ReportParser().parse(message.bytes).unparsedReason == .limitExceeded("MIME nesting deeper than 8 levels"))
    }

    @Test func tooManyParts() {
        var message = "Content-Type: multipart/mixed; boundary=p\n\n"
        for _ in 0..<500 { message += "--p\nContent-Type: application/octet-stream\n\nx\n" }
        message += "--p\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; late@receiver.example\nAction: failed\n--p--\n"
        #expect(ReportParser().parse(message.bytes).unparsedReason == .limitExceeded("more than 128 MIME parts"))
    }

    /// Never an address from a placeholder.
    @Test(arguments: ["redacted", "[redacted]", "xxxxxxxx", "undisclosed-recipients:;", "user@", "@example.com",
                      "a@localhost", "a b@example.com", "a@-x.example", "a..b@example.com", "redacted@example.com",
                      "XXXX@example.com", "a@example.123", "<Undisclosed Recipients>"])
    func notAnAddress(value: String) {
        #expect(MailAddress.single(in: value) == nil)
    }

    @Test(arguments: [("rfc822; a@example.com", "a@example.com"), ("\"Bo, B\" <bo@example.com>", "bo@example.com"),
                      ("c@example.com (Cy)", "c@example.com"), ("<d.e+tag@sub.example.co.uk>", "d.e+tag@sub.example.co.uk"),
                      ("f@[192.0.2.1]", "f@[192.0.2.1]"), ("\"quoted local\"@example.com", "\"quoted local\"@example.com")])
    func anAddress(value: String, address: String) {
        #expect(MailAddress.single(in: value) == address)
    }

    @Test(arguments: [("550 5.1.1 <a@b.example>... User unknown", "5.1.1"), ("(#5.5.0)", "5.5.0"),
                      ("550-5.7.26 unauthenticated", "5.7.26"), ("host [192.0.2.153] said 550", nil),
                      ("version 4.2.2.1 only", nil), ("421 4.7.0 try later", "4.7.0"), ("3.1.1 not a class", nil)])
    func enhancedStatusInText(text: String, expected: String?) {
        #expect(EnhancedStatus.find(in: text)?.description == expected)
    }
}
