import Foundation
import Testing
import SluiceConfig
@testable import SluiceCore
@testable import SluiceAccounting

@Suite("Delivery status notifications")
struct DSNTests {
    let reporter = DSNReporter(hostName: "mta1.sender.example")
    let original = Array("""
        Received: from client.example by mta1.sender.example\r
        From: Newsletter <news@sender.example>\r
        To: user@example.com\r
        Subject: November offers\r
        Message-ID: <abc@sender.example>\r
        \r
        Hello,\r
        this is the body.\r

        """.utf8)

    func message(sender: String = "bounces@sender.example", ret: DSNReturn? = nil, envelopeID: String? = nil,
                 content: [UInt8]? = nil) -> ReportedMessage {
        ReportedMessage(sender: sender, messageID: MessageID(0xBEEF), arrivalDate: novemberAfternoon - .hours(2),
                        envelopeID: envelopeID, ret: ret, content: content ?? original)
    }

    func bounced(_ recipient: String = "user@example.com", notify: DSNNotify? = nil, originalRecipient: String? = nil,
                 diagnostic: String = "550 5.1.1 <user@example.com>: user unknown") -> ReportedRecipient {
        ReportedRecipient(deliveryRecord(.bounced, recipient: recipient, diagnostic: diagnostic, status: "5.1.1",
                                         category: .badMailbox),
                          remoteMTA: "mx.example.com", originalRecipient: originalRecipient, notify: notify)
    }

    func parts(_ json: [String: Any]) -> [[String: Any]] { json["parts"] as? [[String: Any]] ?? [] }

    func checkWireFormat(_ data: [UInt8]) {
        var lineLength = 0
        for (i, byte) in data.enumerated() {
            if byte == 0x0A {
                #expect(i > 0 && data[i - 1] == 0x0D, "bare LF at \(i)")
                lineLength = 0
            } else if byte == 0x0D {
                #expect(i + 1 < data.count && data[i + 1] == 0x0A, "bare CR at \(i)")
            } else {
                lineLength += 1
                #expect(lineLength <= 998, "line over 998 bytes at \(i)")
                if lineLength > 998 { return }
            }
        }
        #expect(data.suffix(2) == [0x0D, 0x0A])
    }

    @Test(Peers.python3) func failureReportParsesAsMultipartReport() throws {
        let dsn = try #require(DeliveryStatusNotification.failure(of: message(envelopeID: "env-42"),
                                                                  recipients: [bounced(originalRecipient: "rfc822;User@Example.com")],
                                                                  reporter: reporter, now: novemberAfternoon))
        #expect(dsn.envelopeSender == "")
        #expect(dsn.envelopeRecipient == "bounces@sender.example")
        #expect(dsn.recipients == ["user@example.com"])
        checkWireFormat(dsn.data)
        let json = try parseWithPython(dsn.data)
        #expect(json["content_type"] as? String == "multipart/report")
        #expect(json["report_type"] as? String == "delivery-status")
        #expect(json["from"] as? String == "Mail Delivery System <MAILER-DAEMON@mta1.sender.example>")
        #expect(json["to"] as? String == "bounces@sender.example")
        #expect(json["auto_submitted"] as? String == "auto-replied")
        #expect((json["defects"] as? [String])?.isEmpty == true)
        let p = parts(json)
        #expect(p.map { $0["content_type"] as? String } == ["text/plain", "message/delivery-status", "text/rfc822-headers"])
        #expect((p.first?["text"] as? String)?.contains("<user@example.com>: host mx.example.com said: 550 5.1.1") == true)
        let blocks = try #require(p[1]["blocks"] as? [[String: String]])
        #expect(blocks.count == 2)
        #expect(blocks[0]["Reporting-MTA"] == "dns; mta1.sender.example")
        #expect(blocks[0]["Original-Envelope-Id"] == "env-42")
        #expect(blocks[0]["Arrival-Date"] == "Mon, 23 Nov 2026 13:04:05 +0000")
        #expect(blocks[1]["Original-Recipient"] == "rfc822;User@Example.com")
        #expect(blocks[1]["Final-Recipient"] == "rfc822; user@example.com")
        #expect(blocks[1]["Action"] == "failed")
        #expect(blocks[1]["Status"] == "5.1.1")
        #expect(blocks[1]["Remote-MTA"] == "dns; mx.example.com")
        #expect(blocks[1]["Diagnostic-Code"] == "smtp; 550 5.1.1 <user@example.com>: user unknown")
        #expect(blocks[1]["Last-Attempt-Date"] == "Mon, 23 Nov 2026 15:04:05 +0000")
        let headers = try #require(p[2]["text"] as? String)
        #expect(headers.contains("Subject: November offers"))
        #expect(!headers.contains("this is the body"), "RET absent returns headers only")
    }

    @Test(Peers.python3) func retFullReturnsTheWholeMessage() throws {
        let dsn = try #require(DeliveryStatusNotification.failure(of: message(ret: .full), recipients: [bounced()],
                                                                  reporter: reporter, now: novemberAfternoon))
        checkWireFormat(dsn.data)
        let p = parts(try parseWithPython(dsn.data))
        #expect(p.last?["content_type"] as? String == "message/rfc822")
        #expect(p.last?["subject"] as? String == "November offers")
        #expect((p.last?["body"] as? String)?.contains("this is the body.") == true)
        let headersOnly = try #require(DeliveryStatusNotification.failure(of: message(ret: .headers), recipients: [bounced()],
                                                                          reporter: reporter, now: novemberAfternoon))
        #expect(parts(try parseWithPython(headersOnly.data)).last?["content_type"] as? String == "text/rfc822-headers")
    }

    @Test func nullSenderNeverGetsADSN() {
        for sender in ["", "<>"] {
            #expect(DeliveryStatusNotification.failure(of: message(sender: sender), recipients: [bounced()],
                                                       reporter: reporter, now: novemberAfternoon) == nil)
            #expect(DeliveryStatusNotification.delay(of: message(sender: sender), recipients: [bounced(notify: .delay)],
                                                     reporter: reporter, now: novemberAfternoon) == nil)
        }
        #expect(DeliveryStatusNotification.failure(of: message(sender: "<a@b.example>"), recipients: [bounced()],
                                                   reporter: reporter, now: novemberAfternoon)?.envelopeRecipient == "a@b.example")
    }

    @Test(Peers.python3) func notifyDecidesWhoIsReported() throws {
        let never = bounced("a@example.com", notify: .never)
        let successOnly = bounced("b@example.com", notify: .success)
        let failure = bounced("c@example.com", notify: [.failure, .delay])
        let unspecified = bounced("d@example.com")
        #expect(DeliveryStatusNotification.failure(of: message(), recipients: [never, successOnly],
                                                   reporter: reporter, now: novemberAfternoon) == nil)
        let dsn = try #require(DeliveryStatusNotification.failure(of: message(), recipients: [never, failure, successOnly, unspecified],
                                                                  reporter: reporter, now: novemberAfternoon))
        #expect(dsn.recipients == ["c@example.com", "d@example.com"])
        let blocks = try #require(parts(try parseWithPython(dsn.data))[1]["blocks"] as? [[String: String]])
        #expect(blocks.dropFirst().map { $0["Final-Recipient"] } == ["rfc822; c@example.com", "rfc822; d@example.com"])
    }

    @Test(Peers.python3) func delayReportOnlyWhenAskedFor() throws {
        var waiting = ReportedRecipient(deliveryRecord(.deferred, diagnostic: "421 4.7.0 Try again later", status: "4.7.0"),
                                        remoteMTA: "mx.example.com", notify: nil,
                                        willRetryUntil: novemberAfternoon + .days(4))
        #expect(DeliveryStatusNotification.delay(of: message(), recipients: [waiting], reporter: reporter,
                                                 now: novemberAfternoon) == nil, "no NOTIFY: failures only")
        waiting.notify = DSNNotify(parameter: "FAILURE,DELAY")
        let dsn = try #require(DeliveryStatusNotification.delay(of: message(), recipients: [waiting], reporter: reporter,
                                                                now: novemberAfternoon))
        checkWireFormat(dsn.data)
        let json = try parseWithPython(dsn.data)
        #expect(json["subject"] as? String == "Delayed Mail (still being retried)")
        let blocks = try #require(parts(json)[1]["blocks"] as? [[String: String]])
        #expect(blocks[1]["Action"] == "delayed")
        #expect(blocks[1]["Status"] == "4.7.0")
        #expect(blocks[1]["Will-Retry-Until"] == "Fri, 27 Nov 2026 15:04:05 +0000")
        #expect(blocks[1]["Diagnostic-Code"] == "smtp; 421 4.7.0 Try again later")
    }

    @Test(Peers.python3) func failedActionAlwaysCarriesAPermanentStatus() throws {
        let expired = ReportedRecipient(deliveryRecord(.expired, diagnostic: "message expired after 9 attempt(s)", status: "4.4.1"))
        let dsn = try #require(DeliveryStatusNotification.failure(of: message(), recipients: [expired], reporter: reporter,
                                                                  now: novemberAfternoon))
        let blocks = try #require(parts(try parseWithPython(dsn.data))[1]["blocks"] as? [[String: String]])
        #expect(blocks[1]["Status"] == "5.4.7")
        #expect(blocks[1]["Remote-MTA"] == nil)
        let unknown = ReportedRecipient(deliveryRecord(.bounced, status: nil))
        let other = try #require(DeliveryStatusNotification.failure(of: message(), recipients: [unknown], reporter: reporter,
                                                                    now: novemberAfternoon))
        #expect((try parseWithPython(other.data)["parts"] as? [[String: Any]])?[1]["blocks"]
            .flatMap { $0 as? [[String: String]] }?[1]["Status"] == "5.0.0")
    }

    @Test(Peers.python3) func postmasterDirectiveIsTheSender() throws {
        let dsn = try #require(DeliveryStatusNotification.failure(
            of: message(), recipients: [bounced()],
            reporter: DSNReporter(hostName: "mta1.sender.example", postmaster: "postmaster@sender.example"),
            now: novemberAfternoon))
        #expect(try parseWithPython(dsn.data)["from"] as? String == "Mail Delivery System <postmaster@sender.example>")
    }

    @Test(Peers.python3) func hostileDiagnosticAndHugeHeaderKeepLinesShort() throws {
        let diagnostic = "550 " + String(repeating: "x", count: 3000) + "\r\nInjected-Header: yes\r\n\r\n--fake " + String(repeating: "word ", count: 400)
        var content = Array("X-Long: \(String(repeating: "y", count: 2500))\r\nSubject: s\r\n\r\n".utf8)
        content += Array(String(repeating: "z", count: 1500).utf8) + [0x0A]
        let dsn = try #require(DeliveryStatusNotification.failure(
            of: message(ret: .full, content: content), recipients: [bounced(diagnostic: diagnostic)],
            reporter: reporter, now: novemberAfternoon))
        checkWireFormat(dsn.data)
        let json = try parseWithPython(dsn.data)
        #expect((json["defects"] as? [String])?.isEmpty == true)
        let p = parts(json)
        #expect(p.count == 3)
        let blocks = try #require(p[1]["blocks"] as? [[String: String]])
        #expect(blocks.count == 2, "the CRLFs in the diagnostic start no new block")
        #expect(blocks[1]["Injected-Header"] == nil)
        #expect(blocks[1]["Diagnostic-Code"]?.hasPrefix("smtp; 550 xxx") == true)
        #expect(p[2]["subject"] as? String == "s")
    }

    @Test(Peers.python3) func unicodeRecipientUsesRFC6533Escapes() throws {
        let recipient = bounced("jörg@bücher.example", diagnostic: "550 5.1.1 unknown user jörg")
        let dsn = try #require(DeliveryStatusNotification.failure(of: message(sender: "büro@sender.example"),
                                                                  recipients: [recipient], reporter: reporter, now: novemberAfternoon))
        checkWireFormat(dsn.data)
        let json = try parseWithPython(dsn.data)
        #expect(json["to"] as? String == "büro@sender.example")
        let p = parts(json)
        #expect((p[0]["text"] as? String)?.contains("<jörg@bücher.example>") == true)
        let blocks = try #require(p[1]["blocks"] as? [[String: String]])
        #expect(blocks[1]["Final-Recipient"] == "utf-8; j\\x{F6}rg@b\\x{FC}cher.example")
        #expect(blocks[1]["Diagnostic-Code"] == "smtp; 550 5.1.1 unknown user j\\x{F6}rg")
        let statusStart = try #require(dsn.data.firstRange(of: Array("Content-Type: message/delivery-status".utf8)))
        let statusEnd = try #require(dsn.data[statusStart.upperBound...].firstRange(of: Array("--=_sluice".utf8)))
        #expect(dsn.data[statusStart.lowerBound..<statusEnd.lowerBound].allSatisfy { $0 < 0x80 },
                "message/delivery-status stays 7-bit")
    }

    @Test func parametersParse() {
        #expect(DSNNotify(parameter: "NEVER") == .never)
        #expect(DSNNotify(parameter: "success,Delay") == [.success, .delay])
        #expect(DSNNotify(parameter: "FAILURE") == .failure)
        #expect(DSNNotify(parameter: "NEVER,FAILURE") == nil)
        #expect(DSNNotify(parameter: "FAILURE,") == nil)
        #expect(DSNNotify(parameter: "SOMETIMES") == nil)
        #expect(DSNReturn(parameter: "hdrs") == .headers)
        #expect(DSNReturn(parameter: "FULL") == .full)
        #expect(DSNReturn(parameter: "BODY") == nil)
    }

    @Test func foldingBreaksAtSpacesAndUnfoldsToTheOriginal() {
        let value = (1...40).map { "word\($0)" }.joined(separator: " ")
        let folded = MIMEText.field("Diagnostic-Code", value)
        let lines = String(decoding: folded, as: UTF8.self).components(separatedBy: "\r\n").dropLast()
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(lines.joined() == "Diagnostic-Code: " + value)
        let unbroken = String(repeating: "é", count: 1200)
        let hard = String(decoding: MIMEText.field("X", unbroken), as: UTF8.self).components(separatedBy: "\r\n").dropLast()
        #expect(hard.allSatisfy { $0.utf8.count <= 998 })
        #expect(hard.joined().replacingOccurrences(of: " ", with: "") == "X:" + unbroken, "split on character boundaries")
    }

    @Test(Peers.python3) func relayedReportForNotifySuccessOnly() throws {
        let delivered = ReportedRecipient(deliveryRecord(.delivered, diagnostic: "250 2.0.0 queued as 7"),
                                          remoteMTA: "mx.example.com", notify: [.success, .failure])
        let silent = ReportedRecipient(deliveryRecord(.delivered, recipient: "other@example.com"), notify: nil)
        let dsn = try #require(DeliveryStatusNotification.relayed(of: message(), recipients: [delivered, silent],
                                                                  reporter: reporter, now: novemberAfternoon))
        #expect(dsn.recipients == ["user@example.com"])
        checkWireFormat(dsn.data)
        let json = try parseWithPython(dsn.data)
        let blocks = try #require(parts(json)[1]["blocks"] as? [[String: String]])
        #expect(blocks[1]["Action"] == "relayed")
        #expect(blocks[1]["Status"] == "2.0.0")
        #expect(DeliveryStatusNotification.relayed(of: message(), recipients: [silent], reporter: reporter,
                                                   now: novemberAfternoon) == nil)
    }

    @Test(Peers.python3) func plainTextFormatIsOneTextPart() throws {
        let dsn = try #require(DeliveryStatusNotification.failure(of: message(ret: .full), recipients: [bounced()],
                                                                  reporter: reporter, now: novemberAfternoon, format: .plainText))
        checkWireFormat(dsn.data)
        let json = try parseWithPython(dsn.data)
        #expect(json["content_type"] as? String == "text/plain")
        #expect((json["defects"] as? [String])?.isEmpty == true)
        let text = String(decoding: dsn.data, as: UTF8.self)
        #expect(text.contains("Final-Recipient: rfc822; user@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n"))
        #expect(!text.contains("November offers"), "nothing of the original is returned")
    }
}
