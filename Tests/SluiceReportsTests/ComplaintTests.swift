import Foundation
import Testing
@testable import SluiceReports

/// ARF (RFC 5965) and Microsoft JMRP complaints, and who the complaining recipient is.
@Suite struct ComplaintTests {
    /// RFC 5965 Appendix B.2: every field read; the recipient from Original-Rcpt-To.
    @Test(arguments: [false, true])
    func completeExampleFromTheRFC(crlf: Bool) throws {
        let report = try #require(try Samples.parse("rfc5965-complete.eml", crlf: crlf).complaint)
        #expect(report.format == .arf)
        #expect(report.feedbackType == .abuse)
        #expect(report.feedbackType.countsAsComplaint)
        #expect(report.userAgent == "SomeGenerator/1.0")
        #expect(report.version == "1")
        #expect(report.originalRecipient == "user@example.com")
        #expect(report.originalMailFrom == "somespammer@example.net")
        #expect(report.sourceIP == "192.0.2.1")
        #expect(report.arrivalDate == "Thu, 8 Mar 2005 14:00:00 EDT")
        #expect(report.reportingMTA == "mail.example.com")
        #expect(report.reportedDomain == "example.net")
        #expect(report.original?.subject == "Earn money")
        #expect(report.original?.messageID == "8787KJKJ3K4J3K4J3K4J3.mail@example.net")
        #expect(report.original?.from == "<somespammer@example.net>")
    }

    /// RFC 5965 Appendix B.1 names no recipient, and its original's `To: <Undisclosed Recipients>`
    /// is not an address: a complaint, attributable to no one.
    @Test func minimalExampleFromTheRFCHasNoRecipient() throws {
        let report = try #require(try Samples.parse("rfc5965-minimal.eml").complaint)
        #expect(report.feedbackType == .abuse)
        #expect(report.userAgent == "SomeGenerator/1.0")
        #expect(report.originalRecipient == nil)
        #expect(report.original?.to == "<Undisclosed Recipients>")
    }

    @Test func yahooReport() throws {
        let report = try #require(try Samples.parse("arf-yahoo.eml").complaint)
        #expect(report.format == .arf)
        #expect(report.userAgent == "Yahoo!-Mail-Feedback/2.0")
        #expect(report.originalRecipient == "dana@yahoo.com")
        #expect(report.originalMailFrom == "bounce-4711-dana=yahoo.com@bounces.sender.example")
        #expect(report.arrivalDate == "Mon, 02 Nov 2026 08:01:10 +0000")
        #expect(report.original?.header(named: "X-Job") == "nov-offers")
        #expect(report.original?.header(named: "X-Virtual-MTA") == "vmta-203-0-113-25")
        #expect(report.original?.messageID == "20261102080109.4711.1@mta1.sender.example")
        #expect(report.original?.returnPath == "bounce-4711-dana=yahoo.com@bounces.sender.example")
    }

    /// Microsoft's older JMRP form: the original attached to a message from staff@hotmail.com,
    /// the complainer in X-HmXmrOriginalRecipient; the original's To (replaced) is never used.
    @Test func olderJMRPForm() throws {
        let report = try #require(try Samples.parse("jmrp-older.eml").complaint)
        #expect(report.format == .jmrp)
        #expect(report.feedbackType == .abuse)
        #expect(report.originalRecipient == "erin@hotmail.com")
        #expect(report.sourceIP == "203.0.113.25")
        #expect(report.originalMailFrom == "bounce-4712-erin=hotmail.com@bounces.sender.example")
        #expect(report.original?.header(named: "X-Job") == "nov-offers")
        #expect(report.original?.messageID == "20261103095840.4712.1@mta1.sender.example")
    }

    /// Microsoft's ARF form: no Original-Rcpt-To, the original's To redacted to a valid-looking
    /// address; the recipient still comes from X-HmXmrOriginalRecipient.
    @Test func microsoftARFForm() throws {
        let report = try #require(try Samples.parse("jmrp-arf.eml").complaint)
        #expect(report.format == .jmrp)
        #expect(report.originalRecipient == "frank@outlook.com")
        #expect(report.sourceIP == "203.0.113.25")
        #expect(report.userAgent == "Microsoft Junk Mail Reporting Program")
        #expect(report.original?.header(named: "X-Virtual-MTA") == "vmta-203-0-113-25")
    }

    /// A JMRP report with no X-HmXmrOriginalRecipient is not attributed through the original's To.
    @Test func jmrpNeverUsesTo() throws {
        let text = String(decoding: try Samples.bytes("jmrp-arf.eml"), as: UTF8.self)
            .replacingOccurrences(of: "X-HmXmrOriginalRecipient: <frank@outlook.com>\n", with: "")
            .replacingOccurrences(of: "To: \"Undisclosed\" <redacted@outlook.com>", with: "To: frank@outlook.com")
        let report = ReportParser().parse(text.bytes).complaint
        #expect(report?.format == .jmrp)
        #expect(report?.originalRecipient == nil)
    }

    static let recipientCases: [(fields: String, originalTo: String, expected: String?)] = [
        ("Original-Rcpt-To: <a@isp.example>", "b@isp.example", "a@isp.example"),
        ("Original-Rcpt-To: [redacted]", "b@isp.example", "b@isp.example"),
        ("Original-Rcpt-To: redacted@isp.example", "undisclosed-recipients:;", nil),
        ("Original-Rcpt-To: a@isp.example\nOriginal-Rcpt-To: c@isp.example", "a@isp.example", nil),
        ("Original-Rcpt-To: a@isp.example\nOriginal-Rcpt-To: A@isp.example", "x@isp.example", "a@isp.example"),
        ("", "\"Bo\" <bo@isp.example>", "bo@isp.example"),
        ("", "bo@isp.example, cy@isp.example", nil),
        ("", "xxxxxxxx", nil),
        ("", "xxxxxxxx@isp.example", nil),
        ("", "[redacted]", nil),
        ("", "undisclosed-recipients:;", nil),
    ]

    /// Original-Rcpt-To first (several distinct: nobody), then the original's To when it holds
    /// exactly one real address; placeholders never.
    @Test(arguments: recipientCases)
    func complainingRecipient(fields: String, originalTo: String, expected: String?) {
        let message = """
        From: fbl@isp.example
        Content-Type: multipart/report; report-type=feedback-report; boundary="arf"

        --arf
        Content-Type: message/feedback-report

        Feedback-Type: abuse
        User-Agent: Test/1.0
        Version: 1
        \(fields)

        --arf
        Content-Type: text/rfc822-headers

        From: offers@sender.example
        To: \(originalTo)
        Message-ID: <m1@sender.example>

        --arf--
        """
        let report = ReportParser().parse(message.bytes).complaint
        #expect(report != nil)
        #expect(report?.originalRecipient == expected)
    }

    static let feedbackTypeCases: [(String, FeedbackType, Bool)] = [
        ("abuse", .abuse, true), ("Fraud", .fraud, true), ("virus", .virus, true), ("other", .other, true),
        ("not-spam", .notSpam, false), ("auth-failure", .authFailure, false), ("opt-out", .optOut, false),
        ("complaint", .unknown("complaint"), false),
    ]

    @Test(arguments: feedbackTypeCases)
    func feedbackTypeNames(field: String, type: FeedbackType, counts: Bool) {
        #expect(FeedbackType(field: field) == type)
        #expect(type.countsAsComplaint == counts)
    }

    @Test func feedbackReportWithoutFeedbackTypeIsMalformed() {
        let message = """
        Content-Type: multipart/report; report-type=feedback-report; boundary=arf

        --arf
        Content-Type: message/feedback-report

        User-Agent: Test/1.0
        Original-Rcpt-To: a@isp.example
        --arf--
        """
        #expect(ReportParser().parse(message.bytes).unparsedReason == .malformedReport("message/feedback-report without Feedback-Type"))
    }

    /// A bounce whose returned original passed through Hotmail is a bounce, not a JMRP complaint.
    @Test func bounceWithHotmailOriginalIsNotAComplaint() {
        let message = """
        From: MAILER-DAEMON@mx.receiver.example
        Content-Type: multipart/report; report-type=delivery-status; boundary=b

        --b
        Content-Type: message/delivery-status

        Final-Recipient: rfc822; [redacted]
        Action: failed
        --b
        Content-Type: message/rfc822

        X-HmXmrOriginalRecipient: <gus@hotmail.com>
        Message-ID: <m2@sender.example>

        --b--
        """
        #expect(ReportParser().parse(message.bytes).unparsedReason == .noRecipientAddress)
    }
}
