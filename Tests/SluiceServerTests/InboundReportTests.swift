import Foundation
import SluiceBase
import SluiceConfig
@testable import SluiceServer
import SluiceSuppression
import Testing

/// Inbound reports on a running node, over loopback SMTP: complaints (ARF, JMRP) and asynchronous
/// bounces sent to the processor addresses are consumed, tied to the original message, written as
/// `f` / `rb` records and suppress the address; what cannot be read or tied is kept, never acted on.
@Suite("Inbound reports end to end")
struct InboundReportTests {
    private static let processors = """
        <acct-file ACCT>
            records d,b,f,rb,rs
            record-fields f type,timeLogged,orig,rcpt,vmta,jobId,feedbackType,userAgent,reportingMta,dsnDiag,queue
            record-fields rb type,timeLogged,orig,rcpt,vmta,jobId,dsnAction,dsnStatus,dsnDiag,bounceCat,reportingMta,queue
        </acct-file>
        <feedback-loop-processor>
            <address-list>
                address fbl@node.test
            </address-list>
        </feedback-loop-processor>
        <bounce-processor>
            <address-list>
                domain bounces.node.test
            </address-list>
        </bounce-processor>

        """

    func configuration(_ dir: String, sinkPort: Int, sourceSettings: String = "") throws -> ConfigModel {
        try loadConfiguration(testConfiguration(spool: "\(dir)/spool", routes: [("good.test", sinkPort)],
                                                sourceSettings: sourceSettings)
                              + Self.processors.replacingOccurrences(of: "ACCT", with: "\(dir)/acct.csv"))
    }

    /// The rows of `type` in the accounting file, by column name.
    func rows(_ dir: String, type: String) -> [[String: String]] {
        accountingRows("\(dir)/acct.csv").filter { $0["type"] == type }
    }

    /// Runs `body` on a node with the processors and a sink for good.test, in a fresh directory
    /// (removed afterwards), then `after` with the directory once the node has stopped.
    func withReportNode(sourceSettings: String = "", _ body: (MailNode, EventCollector, Int) async throws -> Void,
                        after: (String) throws -> Void) async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let sink = try await SinkProcess(port: try freePort(), directory: dir)
        defer { sink.stop() }
        try await withNode(try configuration(dir, sinkPort: sink.port, sourceSettings: sourceSettings), directory: dir) { node, events in
            try await body(node, events, try #require(await node.smtpPorts.first))
        }
        try after(dir)
    }

    /// Sends one message to `to` with `Message-ID: <messageID>` in job `job`, and waits until it is delivered.
    func sendOriginal(port: Int, from: String = "news@origin.test", to: String, messageID: String, job: String,
                              events: EventCollector) async throws {
        let before = events.events(kind: "delivered").count
        let sent = try await Injector.send([.init(from: from, to: [to], headers: "X-Job: \(job)\r\nMessage-ID: <\(messageID)>\r\n")],
                                           port: port)
        #expect(sent.first?.ok == true)
        try await waitUntil("the original delivered") { events.events(kind: "delivered").count == before + 1 }
    }

    /// Injects to `address` and returns the refusal code at RCPT (nil when accepted).
    private func nextInjectionCode(_ address: String, port: Int) async throws -> Int? {
        let result = try await Injector.send([.init(to: [address])], port: port)
        return result.first?.refusalCode(address)
    }

    @Test("an ARF report to the feedback address suppresses the complainer and writes an f record with the job and vmta",
          Peers.smtpSink, Peers.python3)
    func arfComplaint() async throws {
        try await withReportNode { node, events, port in
            try await sendOriginal(port: port, to: "reader@good.test", messageID: "spring-1@origin.test", job: "spring-sale",
                                   events: events)
            let report = ReportSamples.arf(recipient: "reader@good.test", messageID: "spring-1@origin.test")
            let answer = try await Injector.send([.init(from: "feedback@yahoo.test", to: ["fbl@node.test"], raw: report)],
                                                 port: port)
            #expect(answer.first?.ok == true)
            try await waitUntil("the complaint") { events.events(kind: "complaint").count == 1 }
            let complaint = try #require(events.events(kind: "complaint").first)
            #expect(complaint.recipient == "reader@good.test" && complaint.queue == "good.test/v1" && complaint.category == "abuse")
            #expect(await node.snapshot().jobs.first { $0.name == "spring-sale" }?.complained == 1, "a complaint of the job")
            try await waitUntil("the suppression") {
                node.suppression.check(recipient: "reader@good.test", sender: "x@origin.test", jobID: nil) != nil
            }
            #expect(try await nextInjectionCode("reader@good.test", port: port) == 550)
            // The report itself was consumed, never relayed: the sink saw only the original.
            #expect(events.events(kind: "delivered").count == 1)
        } after: { dir in
            let record = try #require(rows(dir, type: "f").first)
            #expect(record["rcpt"] == "reader@good.test")
            #expect(record["jobId"] == "spring-sale")
            #expect(record["vmta"] == "v1")
            #expect(record["feedbackType"] == "abuse")
            #expect(record["orig"] == "news@origin.test")
            #expect(record["reportingMta"]?.contains("mta.yahoo.test") == true)
            let entry = try #require(try SuppressionStore(path: "\(dir)/spool/suppression.sqlite").entries(for: "reader@good.test").first)
            #expect(entry.reason == "complaint:abuse")
            #expect(entry.source.hasPrefix("f 20"))
            // Processed reports leave the inbox.
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/spool/inbound-reports/new").isEmpty)
        }
    }

    @Test("a JMRP report names the complainer in X-HmXmrOriginalRecipient, not To: that address is suppressed",
          Peers.smtpSink, Peers.python3)
    func jmrpComplaint() async throws {
        try await withReportNode { node, events, port in
            try await sendOriginal(port: port, to: "frank@good.test", messageID: "nov-7@origin.test", job: "nov-offers",
                                   events: events)
            let report = ReportSamples.jmrp(recipient: "frank@good.test", messageID: "nov-7@origin.test")
            let answer = try await Injector.send([.init(from: "staff@hotmail.test", to: ["FBL@node.test"], raw: report)], port: port)
            #expect(answer.first?.ok == true)
            try await waitUntil("the complaint") { events.events(kind: "complaint").count == 1 }
            #expect(events.events(kind: "complaint").first?.recipient == "frank@good.test")
            #expect(try await nextInjectionCode("frank@good.test", port: port) == 550)
            // The redacted To: address is no one's and is not suppressed.
            #expect(node.suppression.check(recipient: "xxxxxxxx@good.test", sender: "news@origin.test", jobID: nil) == nil)
        } after: { dir in
            let record = try #require(rows(dir, type: "f").first)
            #expect(record["rcpt"] == "frank@good.test" && record["jobId"] == "nov-offers" && record["vmta"] == "v1")
            #expect(record["dsnDiag"]?.hasPrefix("jmrp report from") == true)
        }
    }

    @Test("an asynchronous bounce to a VERP address writes an rb record and suppresses the recipient",
          Peers.smtpSink, Peers.python3)
    func verpBounce() async throws {
        try await withReportNode(sourceSettings: "verp-default yes") { node, events, port in
            try await sendOriginal(port: port, from: "mailer@bounces.node.test", to: "gone@good.test",
                                   messageID: "weekly-3@origin.test", job: "weekly", events: events)
            // The receiving system accepted the message, then bounced it to the VERP address.
            let verp = try #require(VERPAddress.encode(sender: "mailer@bounces.node.test", recipient: "gone@good.test"))
            let bounce = ReportSamples.delayedBounce(finalRecipient: "gone@good.test", messageID: "elsewhere-1@good.test")
            let answer = try await Injector.send([.init(from: "", to: [verp], raw: bounce)], port: port)
            #expect(answer.first?.ok == true)
            try await waitUntil("the async bounce") { events.events(kind: "async-bounce").count == 1 }
            let event = try #require(events.events(kind: "async-bounce").first)
            #expect(event.recipient == "gone@good.test" && event.category == "bad-mailbox" && event.queue == "good.test/v1")
            #expect(try await nextInjectionCode("gone@good.test", port: port) == 550)
        } after: { dir in
            let record = try #require(rows(dir, type: "rb").first)
            #expect(record["rcpt"] == "gone@good.test")
            #expect(record["orig"] == "mailer@bounces.node.test")
            #expect(record["jobId"] == "weekly" && record["vmta"] == "v1")
            #expect(record["dsnAction"] == "failed" && record["dsnStatus"] == "5.1.1" && record["bounceCat"] == "bad-mailbox")
            let entry = try #require(try SuppressionStore(path: "\(dir)/spool/suppression.sqlite").entries(for: "gone@good.test").first)
            #expect(entry.reason == "bad-mailbox" && entry.source.hasPrefix("rb 20") && entry.source.hasSuffix("via verp"))
        }
    }

    @Test("junk, and a bounce about mail this node never sent, are kept as unparsed; nothing is suppressed",
          Peers.smtpSink, Peers.python3)
    func unattributedAndJunk() async throws {
        try await withReportNode { node, events, port in
            let junk = "From: someone@else.test\r\nSubject: hello\r\n\r\nPlease unsubscribe me.\r\n"
            let broken = "Content-Type: multipart/report; report-type=feedback-report; boundary=\"nope\"\r\n\r\n--other\r\n"
            let forged = ReportSamples.delayedBounce(finalRecipient: "victim@good.test", messageID: "never-sent@origin.test")
            let answers = try await Injector.send([.init(from: "x@else.test", to: ["fbl@node.test"], raw: junk),
                                                   .init(from: "x@else.test", to: ["fbl@node.test"], raw: broken),
                                                   .init(from: "", to: ["bounces@bounces.node.test"], raw: forged)],
                                                  port: port)
            #expect(answers.allSatisfy { $0.ok })
            try await waitUntil("three unparsed reports") { events.events(kind: "report-unparsed").count == 3 }
            let reasons = events.events(kind: "report-unparsed").map(\.dsnDiag)
            #expect(reasons.contains("no machine-readable part"))
            #expect(reasons.contains { $0.hasPrefix("broken MIME") || $0.hasPrefix("malformed") || $0 == "no machine-readable part" })
            #expect(reasons.contains { $0.contains("victim@good.test") && $0.contains("not attributed") })
            #expect(node.suppression.check(recipient: "victim@good.test", sender: "news@origin.test", jobID: nil) == nil)
            #expect(try await nextInjectionCode("victim@good.test", port: port) == nil)
        } after: { dir in
            let kept = try FileManager.default.contentsOfDirectory(atPath: "\(dir)/spool/inbound-reports/unparsed")
            #expect(kept.filter { $0.hasSuffix(".report") }.count == 3)
            #expect(kept.filter { $0.hasSuffix(".reason") }.count == 3)
            #expect(rows(dir, type: "rb").isEmpty)
            #expect(rows(dir, type: "f").isEmpty)
        }
    }
}


extension InboundReportTests {
    @Test("forward-unmatched-to: a person's reply to the feedback address is forwarded, not kept",
          Peers.smtpSink, Peers.python3)
    func forwardUnmatched() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let sink = try await SinkProcess(port: try freePort(), directory: dir)
        defer { sink.stop() }
        let text = testConfiguration(spool: "\(dir)/spool", routes: [("good.test", sink.port)])
            + "<feedback-loop-processor>\n    forward-unmatched-to postmaster@good.test\n"
            + "    <address-list>\n        address fbl@node.test\n    </address-list>\n</feedback-loop-processor>\n"
        try await withNode(try loadConfiguration(text), directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            let reply = "From: reader@else.test\r\nSubject: Re: offers\r\n\r\nPlease stop.\r\n"
            let answer = try await Injector.send([.init(from: "reader@else.test", to: ["fbl@node.test"], raw: reply)], port: port)
            #expect(answer.first?.ok == true)
            try await waitUntil("the forwarded copy delivered") { !events.events(kind: "delivered", domain: "good.test").isEmpty }
            #expect(events.events(kind: "delivered").first?.recipient == "postmaster@good.test")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/spool/inbound-reports/unparsed").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/spool/inbound-reports/new").isEmpty)
    }

    @Test("a report stored before a crash is processed at the next start", Peers.smtpSink, Peers.python3)
    func leftoverProcessedAtStart() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let sink = try await SinkProcess(port: try freePort(), directory: dir)
        defer { sink.stop() }
        let config = try configuration(dir, sinkPort: sink.port)
        try await withNode(config, directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            try await sendOriginal(port: port, to: "late@good.test", messageID: "late-1@origin.test", job: "late", events: events)
        }
        // As the listener leaves it after its 250, had the node died before processing it.
        let inbox = try ReportInbox(spoolDirectory: "\(dir)/spool")
        _ = try inbox.store(ReportInbox.Envelope(processor: "feedback-loop-processor", sender: "feedback@yahoo.test",
                                                 recipients: ["fbl@node.test"], receivedAt: 1, client: "127.0.0.1"),
                            content: Array(ReportSamples.arf(recipient: "late@good.test", messageID: "late-1@origin.test").utf8))
        try await withNode(config, directory: dir) { node, _ in
            // (Processing may finish before a subscriber could see the event: the record is read below.)
            try await waitUntil("the suppression") {
                node.suppression.check(recipient: "late@good.test", sender: "news@origin.test", jobID: nil) != nil
            }
        }
        #expect(rows(dir, type: "f").first?["jobId"] == "late")
        #expect(inbox.waiting().isEmpty)
    }
}

/// Reports built from RFC 5965's example, Microsoft's published JMRP format and RFC 3464's
/// example, naming the original message and recipient of the test.
enum ReportSamples {
    static func arf(recipient: String, messageID: String) -> String {
        """
        From: <feedback@yahoo.test>
        Date: Thu, 3 Dec 2026 17:40:36 +0000
        Subject: FW: Spring sale
        To: <fbl@node.test>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report;
            boundary="part1_13d.2e68ed54_boundary"

        --part1_13d.2e68ed54_boundary
        Content-Type: text/plain; charset="US-ASCII"
        Content-Transfer-Encoding: 7bit

        This is an email abuse report for an email message received from IP
        127.0.0.1 on Thu, 3 Dec 2026 14:00:00 +0000.

        --part1_13d.2e68ed54_boundary
        Content-Type: message/feedback-report

        Feedback-Type: abuse
        User-Agent: YahooFeedbackLoop/2.0
        Version: 1
        Original-Mail-From: <news@origin.test>
        Original-Rcpt-To: <\(recipient)>
        Arrival-Date: Thu, 3 Dec 2026 14:00:00 +0000
        Reporting-MTA: dns; mta.yahoo.test
        Source-IP: 127.0.0.1

        --part1_13d.2e68ed54_boundary
        Content-Type: text/rfc822-headers

        From: <news@origin.test>
        To: <\(recipient)>
        Subject: test 0
        Message-ID: <\(messageID)>
        Date: Thu, 03 Dec 2026 14:00:00 +0000

        --part1_13d.2e68ed54_boundary--

        """
    }

    static func jmrp(recipient: String, messageID: String) -> String {
        """
        Date: Thu, 03 Dec 2026 10:20:00 +0000
        From: staff@hotmail.test
        Subject: complaint about message from 127.0.0.1
        To: fbl@node.test
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="E6A2B81C-3C1F-4A3B-9C8E-1D2E3F405162"
        Message-ID: <BAY004-NNE-1604398800000000001@BAY004-RRR.phx.gbl>
        X-OriginalArrivalTime: 03 Dec 2026 10:20:00.0000 (UTC) FILETIME=[1A2B3C4D:01D6B1A2]

        --E6A2B81C-3C1F-4A3B-9C8E-1D2E3F405162
        Content-Type: message/rfc822
        Content-Disposition: inline

        X-HmXmrOriginalRecipient: <\(recipient)>
        X-Reporter-IP: 198.51.100.77
        X-SID-PRA: news@origin.test
        Received: from node.test ([127.0.0.1]) by BAY004-MC1F41.hotmail.test;
        	 Thu, 03 Dec 2026 09:58:41 +0000
        Return-Path: <news@origin.test>
        From: News <news@origin.test>
        To: xxxxxxxx@good.test
        Subject: November offers
        Date: Thu, 03 Dec 2026 09:58:40 +0000
        Message-ID: <\(messageID)>
        MIME-Version: 1.0
        Content-Type: text/plain; charset="utf-8"

        Our offers.

        --E6A2B81C-3C1F-4A3B-9C8E-1D2E3F405162--

        """
    }

    /// A bounce sent after the receiving system accepted the message (so its copy of the original
    /// has that system's own Message-ID).
    static func delayedBounce(finalRecipient: String, messageID: String) -> String {
        """
        From: Mail Delivery Subsystem <MAILER-DAEMON@mx.good.test>
        To: bounces@bounces.node.test
        Subject: Returned mail: User unknown
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status;
            boundary="JAA13167.773673707/mx.good.test"

        --JAA13167.773673707/mx.good.test
        Content-Type: text/plain

        The original message was received at Thu, 3 Dec 2026 09:07:52 +0000.

           ----- The following addresses had delivery problems -----
        <\(finalRecipient)>  (unrecoverable error)

        --JAA13167.773673707/mx.good.test
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.good.test
        Arrival-Date: Thu, 3 Dec 2026 09:07:52 +0000

        Final-Recipient: RFC822; \(finalRecipient)
        Action: failed
        Status: 5.1.1
        Diagnostic-Code: smtp; 550 5.1.1 <\(finalRecipient)>... User unknown
        Remote-MTA: dns; mailbox.good.test

        --JAA13167.773673707/mx.good.test
        Content-Type: text/rfc822-headers

        From: <news@origin.test>
        To: <\(finalRecipient)>
        Subject: weekly
        Message-ID: <\(messageID)>

        --JAA13167.773673707/mx.good.test--

        """
    }
}
