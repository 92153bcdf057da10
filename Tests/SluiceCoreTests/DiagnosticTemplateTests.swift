import Testing
@testable import SluiceCore

/// Real providers' replies (addresses, IPs and ids changed) and the templates they reduce to.
@Suite("Reply templates")
struct DiagnosticTemplateTests {
    static let cases: [(reply: String, template: String)] = [
        ("421-4.7.28 [203.0.113.5      15] Our system has detected an unusual rate of unsolicited mail originating from your IP address. "
         + "421-4.7.28 To protect our users from spam, mail sent from your IP address has been temporarily rate limited. "
         + "d75a77b69052e-4a5cdb7e9e7si12345678qtb.123 - gsmtp",
         "421-4.7.28 [{ip} {n}] Our system has detected an unusual rate of unsolicited mail originating from your IP address. "
         + "To protect our users from spam, mail sent from your IP address has been temporarily rate limited. {id} - gsmtp"),
        ("550-5.7.1 [198.51.100.7] Our system has detected that this message is likely unsolicited mail. 5a1b2c3d4e5f9.6 - gsmtp",
         "550-5.7.1 [{ip}] Our system has detected that this message is likely unsolicited mail. {id} - gsmtp"),
        ("550 5.1.1 The email account that you tried to reach does not exist. https://support.google.com/mail/?p=NoSuchUser "
         + "41be03b00d2f7-b4f4c2a3e0dsi1234567a12.123 - gsmtp",
         "550 5.1.1 The email account that you tried to reach does not exist. https://support.google.com/mail/?p=NoSuchUser {id} - gsmtp"),
        ("421 4.7.0 [TSS04] Messages from 203.0.113.5 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; "
         + "see https://postmaster.yahooinc.com/error-codes",
         "421 4.7.0 [TSS04] Messages from {ip} temporarily deferred due to unexpected volume or user complaints - {ip}; "
         + "see https://postmaster.yahooinc.com/error-codes"),
        ("421 4.7.0 [TSS09] All messages from 192.0.2.44 will be permanently deferred; Retrying will NOT succeed. "
         + "See https://postmaster.yahooinc.com/error-codes",
         "421 4.7.0 [TSS09] All messages from {ip} will be permanently deferred; Retrying will NOT succeed. "
         + "See https://postmaster.yahooinc.com/error-codes"),
        ("451 4.7.650 The mail server [203.0.113.5] has been temporarily rate limited due to IP reputation. For e-mail delivery "
         + "information, see https://postmaster.live.com (S775) [MxId=11BB12345678ABCD] "
         + "[DM6NAM12FT034.eop-nam12.prod.protection.outlook.com 2026-12-06T05:12:34.567Z 08DD1234ABCD5678]",
         "451 4.7.650 The mail server [{ip}] has been temporarily rate limited due to IP reputation. For e-mail delivery "
         + "information, see https://postmaster.live.com (S775) [MxId={id}] [{host} {time} {id}]"),
        ("550 5.7.1 Unfortunately, messages from [203.0.113.5] weren't sent. Please contact your Internet service provider since "
         + "part of their network is on our block list (S3140).",
         "550 5.7.1 Unfortunately, messages from [{ip}] weren't sent. Please contact your Internet service provider since "
         + "part of their network is on our block list (S3140)."),
        ("550 5.1.1 <hans.mueller@hotmail.de>: Recipient address rejected: User unknown",
         "550 5.1.1 <{addr}>: Recipient address rejected: User unknown"),
        ("452 4.2.2 <kim@example.org> Mailbox full, 10240KB used at 05:12:34", "452 4.2.2 <{addr}> Mailbox full, {n}KB used at {time}"),
        ("connect to 127.0.0.20:2525 failed: connection refused", "connect to {ip}:{n} failed: connection refused"),
        ("250 2.0.0 OK queued as 4XyZ1b2C3d mta1234.mail.gq1.yahoo.com", "250 2.0.0 OK queued as {id} {host}"),
        ("421 4.3.0 ::ffff:192.0.2.1 try again in 30s", "421 4.3.0 {ip} try again in {n}s"),
    ]

    @Test("Provider replies reduce to their templates", arguments: cases.indices)
    func template(_ i: Int) {
        #expect(DiagnosticTemplate.normalise(Self.cases[i].reply) == Self.cases[i].template)
    }

    @Test("Normalising a template changes nothing", arguments: cases.indices)
    func idempotent(_ i: Int) {
        let once = DiagnosticTemplate.normalise(Self.cases[i].reply)
        #expect(DiagnosticTemplate.normalise(once) == once)
    }

    @Test("Replies differing only in addresses, IPs and ids share a template; other codes do not")
    func clustering() {
        let a = DiagnosticTemplate.normalise("421 4.7.0 [TSS04] Messages from 203.0.113.5 temporarily deferred - 4.16.55.1")
        let b = DiagnosticTemplate.normalise("421 4.7.0 [TSS04] Messages from 198.51.100.99 temporarily deferred - 4.16.56.2")
        let c = DiagnosticTemplate.normalise("421 4.7.0 [TSS09] Messages from 203.0.113.5 temporarily deferred - 4.16.55.1")
        #expect(a == b)
        #expect(a != c)
    }

    @Test("Long replies are cut with an ellipsis")
    func cut() {
        let t = DiagnosticTemplate.normalise("550 5.7.1 " + String(repeating: "word ", count: 100))
        #expect(t.count == DiagnosticTemplate.maximumLength)
        #expect(t.hasSuffix("…"))
    }
}
