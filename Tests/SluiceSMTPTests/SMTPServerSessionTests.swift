import Foundation
import NIOCore
import SluiceConfig
import SluiceBase
import Testing
@testable import SluiceSMTP

/// Drives a session with text and collects what it does.
struct SessionDriver {
    var session: SMTPServerSession
    var delivered: [ReceivedMessage] = []
    var closed = false
    var tlsRequested = false
    var now = Instant(milliseconds: 1_795_000_000_000)

    init(policy: SourcePolicy = SourcePolicy(localDomains: ["local.example"]),
         configuration: SMTPServerConfiguration = SMTPServerConfiguration(hostName: "mx.sluice.test"),
         client: String = "192.0.2.7", tls: Bool = false, tlsActive: Bool = false) {
        session = SMTPServerSession(configuration: configuration, policy: policy,
                                    clientAddress: IPAddress(client) ?? .v4(0), tlsAvailable: tls, sessionNumber: 42,
                                    tlsActive: tlsActive)
    }

    mutating func start() -> [SMTPReply] { collect(session.start()) }

    /// Sends `text`, returns the replies.
    mutating func send(_ text: String) -> [SMTPReply] { collect(session.receive(ByteBuffer(string: text), now: now)) }

    mutating func finish(_ result: ReceiveResult) -> [SMTPReply] { collect(session.deliveryFinished(result, now: now)) }

    mutating func collect(_ actions: [SMTPServerSession.Action]) -> [SMTPReply] {
        var replies: [SMTPReply] = []
        for action in actions {
            switch action {
            case .send(let reply): replies.append(reply)
            case .deliver(let message): delivered.append(message)
            case .startTLS: tlsRequested = true
            case .close: closed = true
            }
        }
        return replies
    }

    /// EHLO + MAIL + RCPT.
    mutating func open(rcpt: String = "u@local.example") -> [Int] {
        send("EHLO client.example\r\nMAIL FROM:<s@sender.example>\r\nRCPT TO:<\(rcpt)>\r\n").map(\.code)
    }
}

@Suite struct SMTPServerSessionTests {
    @Test func greetingAndEHLOAdvertiseExtensions() throws {
        var d = SessionDriver(tls: true)
        #expect(d.start().map(\.code) == [220])
        let ehlo = try #require(d.send("EHLO client.example\r\n").first)
        #expect(ehlo.code == 250)
        for ext in ["PIPELINING", "SIZE 52428800", "8BITMIME", "ENHANCEDSTATUSCODES", "DSN", "STARTTLS"] {
            #expect(ehlo.lines.contains(ext), "\(ext)")
        }
        #expect(!ehlo.lines.contains { $0.hasPrefix("AUTH") })
    }

    @Test func sourceWithoutServiceIsRefused() {
        var d = SessionDriver(policy: SourcePolicy(smtpService: false))
        #expect(d.start().map(\.code) == [554])
        #expect(d.closed)
        #expect(d.send("EHLO x\r\n").isEmpty)
    }

    @Test func pipelinedTransactionIsDeliveredAndAnsweredAfterStorage() throws {
        var d = SessionDriver()
        _ = d.start()
        let replies = d.send("EHLO c.example\r\nMAIL FROM:<s@sender.example> SIZE=100 RET=HDRS ENVID=e1\r\n"
            + "RCPT TO:<a@local.example> NOTIFY=FAILURE\r\nRCPT TO:<b@LOCAL.example>\r\nDATA\r\n"
            + "X-Job: job-7\r\nSubject: hi\r\n\r\n..dot\r\n.\r\nQUIT\r\n")
        #expect(replies.map(\.code) == [250, 250, 250, 250, 354])
        let message = try #require(d.delivered.first)
        #expect(message.sender == "s@sender.example")
        #expect(message.recipients.map(\.address) == ["a@local.example", "b@LOCAL.example"])
        #expect(message.recipients[0].parameters.notify == [.failure])
        #expect(message.mailParameters.ret == .headers)
        #expect(message.mailParameters.envelopeID == "e1")
        #expect(message.jobID == "job-7")
        #expect(message.heloName == "c.example")
        let text = String(decoding: message.content, as: UTF8.self)
        #expect(text.hasPrefix("Received: from c.example ([192.0.2.7])\r\n\tby mx.sluice.test (Sluice) with ESMTP id "))
        #expect(!text.contains("X-Job"))
        #expect(text.hasSuffix("Subject: hi\r\n\r\n.dot\r\n"))
        // QUIT waits until the message is stored.
        #expect(!d.closed)
        #expect(d.finish(.accepted(MessageID(0x1f))).map(\.dsnDiag) == ["250 2.0.0 Ok: queued as 000000000000001f", "221 2.0.0 Bye"])
        #expect(d.closed)
    }

    @Test func storageFailuresAreRelayed() {
        var d = SessionDriver()
        _ = d.start()
        _ = d.open()
        _ = d.send("DATA\r\nx\r\n.\r\n")
        #expect(d.finish(.temporaryFailure(SMTPReply(452, "4.3.1", "Insufficient system storage"))).map(\.code) == [452])
        // The transaction is over: RCPT needs a new MAIL.
        #expect(d.send("RCPT TO:<a@local.example>\r\n").map(\.code) == [503])
    }

    @Test func recipientDispositionAcceptsLocalAddressesAndRefusesAfterRelayRules() {
        var configuration = SMTPServerConfiguration(hostName: "mx.sluice.test", maximumErrors: 2)
        configuration.recipientDisposition = { recipient, sender, relayingAllowed in
            #expect(sender == "s@x.example")
            #expect(relayingAllowed == recipient.hasSuffix("@local.example"))
            switch recipient {
            case "bounces@fbl.example": return .local
            case let address where address.hasPrefix("gone@"): return .refuse(SMTPReply(550, "5.7.1", "Suppressed"))
            default: return .ordinary
            }
        }
        var d = SessionDriver(configuration: configuration)
        _ = d.start()
        let replies = d.send("EHLO c\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<bounces@fbl.example>\r\n"
            + "RCPT TO:<gone@foreign.example>\r\nRCPT TO:<gone@local.example>\r\nRCPT TO:<gone@local.example>\r\n"
            + "RCPT TO:<a@local.example>\r\n")
        // A local address needs no relaying rights; a refusal comes only after the relay rules
        // accepted the address, and refusals do not count as errors (the limit here is 2).
        #expect(replies.dropFirst().map(\.dsnDiag) == ["250 2.1.0 Ok", "250 2.1.5 Ok", "550 5.7.1 Relaying denied",
                                                      "550 5.7.1 Suppressed", "550 5.7.1 Suppressed", "250 2.1.5 Ok"])
        #expect(!d.closed)
    }

    @Test func relayingIsDeniedForForeignDomains() {
        var d = SessionDriver()
        _ = d.start()
        let replies = d.send("EHLO c\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<victim@foreign.example>\r\nRCPT TO:<postmaster>\r\n")
        #expect(replies.dropFirst().map(\.dsnDiag) == ["250 2.1.0 Ok", "550 5.7.1 Relaying denied", "250 2.1.5 Ok"])
    }

    /// RFC 5321 4.5.1: the bare postmaster is accepted without relaying rights and routed to the
    /// configured postmaster (else postmaster@ the host name), with ORCPT naming what was asked.
    @Test func barePostmasterIsRoutedToTheConfiguredAddress() {
        for (configured, expected) in [("ops@esp.example", "ops@esp.example"), (nil, "postmaster@mx.sluice.test")] {
            var d = SessionDriver(configuration: SMTPServerConfiguration(hostName: "mx.sluice.test",
                                                                         postmasterAddress: configured))
            _ = d.start()
            let replies = d.send("EHLO c\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<PostMaster>\r\nRCPT TO:<u@local.example>\r\n"
                                 + "DATA\r\nSubject: hi\r\n\r\nhello\r\n.\r\n")
            #expect(replies.dropFirst().map(\.code) == [250, 250, 250, 354])
            #expect(d.delivered.count == 1)
            #expect(d.delivered.first?.recipients.map(\.address) == [expected, "u@local.example"])
            #expect(d.delivered.first?.recipients.first?.parameters.originalRecipient == "rfc822;PostMaster")
        }
    }

    /// `max-message-size unlimited` lifts the source's limit but not the node's ceiling (the
    /// memory for messages in flight).
    @Test func unlimitedSourceStopsAtTheCeiling() {
        var configuration = SMTPServerConfiguration(hostName: "mx.sluice.test")
        configuration.messageSizeCeiling = 1000
        var d = SessionDriver(policy: SourcePolicy(allowRelaying: true, maxMessageSize: .max), configuration: configuration)
        _ = d.start()
        #expect(d.send("EHLO c\r\n").first?.lines.contains("SIZE 1000") == true)
        _ = d.send("MAIL FROM:<s@x.example>\r\nRCPT TO:<u@y.example>\r\nDATA\r\n")
        let body = String(repeating: "x", count: 998) + "\r\n" + String(repeating: "y", count: 500) + "\r\n.\r\n"
        #expect(d.send(body).map(\.code) == [552])
        #expect(d.delivered.isEmpty)
    }

    /// `hide-message-source`: the Received header keeps the host and id but not the client's
    /// address or HELO name; `max-rcpt-per-message`: 452 4.5.3 beyond it.
    @Test func hiddenSourceAndRecipientLimit() {
        var d = SessionDriver(policy: SourcePolicy(allowRelaying: true, hideMessageSource: true, maxRecipients: 2))
        _ = d.start()
        let replies = d.send("EHLO secret-helo\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<a@y.example>\r\n"
                             + "RCPT TO:<b@y.example>\r\nRCPT TO:<c@y.example>\r\nDATA\r\nSubject: hi\r\n\r\nhello\r\n.\r\n")
        #expect(replies.dropFirst().map(\.code) == [250, 250, 250, 452, 354])
        #expect(replies.dropFirst(4).first?.dsnDiag == "452 4.5.3 Too many recipients")
        let content = String(decoding: d.delivered.first?.content ?? [], as: UTF8.self)
        #expect(content.hasPrefix("Received: by mx.sluice.test (Sluice) with ESMTP id "))
        #expect(!content.contains("secret-helo") && !content.contains("192.0.2.7"))
        #expect(d.delivered.first?.recipients.count == 2)
    }

    /// `process-x-job`, `retain-x-job` and `retain-x-virtual-mta`: whether the headers are read,
    /// and whether they stay in the message.
    @Test(arguments: [(true, false, false), (true, true, true), (false, false, false)])
    func jobAndVirtualMTAHeaders(process: Bool, retainJob: Bool, retainVMTA: Bool) {
        var d = SessionDriver(policy: SourcePolicy(allowRelaying: true, processXVirtualMTA: true, processXJob: process,
                                                   retainXJob: retainJob, retainXVirtualMTA: retainVMTA))
        _ = d.start()
        _ = d.send("EHLO c\r\nMAIL FROM:<s@x.example>\r\nRCPT TO:<u@y.example>\r\nDATA\r\n"
                   + "X-Job: spring-sale\r\nX-Virtual-MTA: v2\r\nSubject: hi\r\n\r\nhello\r\n.\r\n")
        let message = d.delivered.first
        let content = String(decoding: message?.content ?? [], as: UTF8.self)
        #expect(message?.jobID == (process ? "spring-sale" : nil))
        #expect(message?.virtualMTA == "v2")
        #expect(content.contains("X-Job: spring-sale") == (retainJob || !process))
        #expect(content.contains("X-Virtual-MTA: v2") == retainVMTA)
    }

    @Test func relayingAllowedByPolicy() {
        var d = SessionDriver(policy: SourcePolicy(allowRelaying: true))
        _ = d.start()
        #expect(d.open(rcpt: "a@foreign.example") == [250, 250, 250])
    }

    @Test func outOfOrderCommandsGet503() {
        var d = SessionDriver()
        _ = d.start()
        #expect(d.send("MAIL FROM:<a@b.example>\r\n").map(\.dsnDiag) == ["503 5.5.1 Send HELO/EHLO first"])
        #expect(d.send("HELO c\r\nRCPT TO:<a@local.example>\r\nDATA\r\n").map(\.code) == [250, 503, 503])
        #expect(d.send("MAIL FROM:<a@b.example>\r\nMAIL FROM:<a@b.example>\r\nDATA\r\n").map(\.code) == [250, 503, 554])
        #expect(d.send("RSET\r\nRCPT TO:<a@local.example>\r\n").map(\.code) == [250, 503])
    }

    @Test func tooManyRecipientsGet452() {
        var d = SessionDriver(configuration: SMTPServerConfiguration(hostName: "h", maximumRecipients: 2))
        _ = d.start()
        _ = d.open()
        let replies = d.send("RCPT TO:<b@local.example>\r\nRCPT TO:<c@local.example>\r\n")
        #expect(replies.map(\.dsnDiag) == ["250 2.1.5 Ok", "452 4.5.3 Too many recipients"])
    }

    @Test func declaredSizeOverTheLimitGets552() {
        var d = SessionDriver(policy: SourcePolicy(maxMessageSize: 1000, localDomains: ["local.example"]))
        _ = d.start()
        let replies = d.send("EHLO c\r\nMAIL FROM:<a@b.example> SIZE=1001\r\n")
        #expect(replies.last?.dsnDiag == "552 5.3.4 Message size exceeds fixed maximum message size")
        #expect(replies.first?.lines.contains("SIZE 1000") == true)
    }

    @Test func contentOverTheLimitGets552AndTheSessionContinues() {
        var d = SessionDriver(policy: SourcePolicy(maxMessageSize: 100, localDomains: ["local.example"]))
        _ = d.start()
        _ = d.open()
        let replies = d.send("DATA\r\n" + String(repeating: "0123456789\r\n", count: 20) + ".\r\nNOOP\r\n")
        #expect(replies.map(\.code) == [354, 552, 250])
        #expect(d.delivered.isEmpty)
    }

    @Test func longCommandLineGets500AndIsDiscarded() {
        var d = SessionDriver()
        _ = d.start()
        let long = "NOOP " + String(repeating: "x", count: 5000) + "\r\n"
        // Delivered in pieces, as a hostile client would.
        var replies: [SMTPReply] = []
        for piece in stride(from: 0, to: long.utf8.count, by: 700) {
            let bytes = Array(long.utf8)[piece..<min(long.utf8.count, piece + 700)]
            replies += d.collect(d.session.receive(ByteBuffer(bytes: bytes), now: d.now))
        }
        #expect(replies.map(\.dsnDiag) == ["500 5.5.2 Line too long"])
        #expect(d.send("NOOP\r\n").map(\.code) == [250])
    }

    @Test func tooManyErrorsClosesWith421() {
        var d = SessionDriver(configuration: SMTPServerConfiguration(hostName: "h", maximumErrors: 3))
        _ = d.start()
        let replies = d.send("BAD\r\nBAD\r\nBAD\r\nNOOP\r\n")
        #expect(replies.map(\.code) == [500, 500, 500, 421])
        #expect(replies.last?.enhancedStatus == "4.7.0")
        #expect(d.closed)
    }

    @Test func timeoutsClose() {
        var d = SessionDriver()
        _ = d.start()
        #expect(d.collect(d.session.timedOut(.idle)).map(\.dsnDiag) == ["421 4.4.2 mx.sluice.test Idle timeout, closing connection"])
        #expect(d.closed)
        #expect(d.collect(d.session.timedOut(.session)).isEmpty)
    }

    @Test func startTLSDiscardsPipelinedInputAndResets() {
        var d = SessionDriver(tls: true)
        _ = d.start()
        let replies = d.send("EHLO c\r\nSTARTTLS\r\nMAIL FROM:<injected@evil.example>\r\n")
        #expect(replies.map(\.code) == [250, 220])
        #expect(d.tlsRequested)
        _ = d.collect(d.session.tlsEstablished())
        #expect(d.session.tlsActive)
        // The EHLO from before TLS is forgotten; the injected MAIL was never processed.
        #expect(d.send("MAIL FROM:<a@b.example>\r\n").map(\.code) == [503])
        let ehlo = d.send("EHLO c\r\n")
        #expect(ehlo.first?.lines.contains("STARTTLS") == false)
        #expect(d.send("STARTTLS\r\n").map(\.code) == [503])
    }

    @Test func startTLSUnavailable() {
        var d = SessionDriver()
        _ = d.start()
        #expect(d.send("EHLO c\r\nSTARTTLS\r\n").map(\.code) == [250, 502])
    }

    private static let users: @Sendable (String, String) -> Bool = { $0 == "bob" && $1 == "secret" }

    @Test func authIsRefusedBeforeTLSUnlessAllowed() {
        var d = SessionDriver(configuration: SMTPServerConfiguration(hostName: "h", authenticator: Self.users), tls: true)
        _ = d.start()
        let plain = Data("\0bob\0secret".utf8).base64EncodedString()
        #expect(d.send("EHLO c\r\nAUTH PLAIN \(plain)\r\n").map(\.dsnDiag).last
                == "538 5.7.11 Encryption required for requested authentication mechanism")
        _ = d.send("STARTTLS\r\n")
        _ = d.collect(d.session.tlsEstablished())
        let ehlo = d.send("EHLO c\r\n")
        #expect(ehlo.first?.lines.contains("AUTH PLAIN LOGIN") == true)
        #expect(d.send("AUTH PLAIN \(plain)\r\n").map(\.code) == [235])
        #expect(d.session.authenticatedUser == "bob")
    }

    @Test func authPlainAndLoginWithChallenges() {
        let policy = SourcePolicy(allowUnencryptedAuth: true)
        var d = SessionDriver(policy: policy, configuration: SMTPServerConfiguration(hostName: "h", authenticator: Self.users))
        _ = d.start()
        _ = d.send("EHLO c\r\n")
        #expect(d.send("AUTH PLAIN\r\n").map(\.code) == [334])
        #expect(d.send(Data("\0bob\0wrong".utf8).base64EncodedString() + "\r\n").map(\.dsnDiag)
                == ["535 5.7.8 Authentication credentials invalid"])
        #expect(d.send("AUTH LOGIN\r\n").map(\.dsnDiag) == ["334 VXNlcm5hbWU6"])
        #expect(d.send("Ym9i\r\n").map(\.dsnDiag) == ["334 UGFzc3dvcmQ6"])
        #expect(d.send("c2VjcmV0\r\n").map(\.code) == [235])
        #expect(d.send("AUTH LOGIN\r\n").map(\.code) == [503])
        // Authenticated: relaying allowed, and the Received header says ESMTPA.
        #expect(d.send("MAIL FROM:<bob@x.example>\r\nRCPT TO:<r@foreign.example>\r\nDATA\r\nhi\r\n.\r\n").map(\.code) == [250, 250, 354])
        #expect(d.delivered.first?.authenticatedUser == "bob")
        let received = String(decoding: d.delivered.first?.content ?? [], as: UTF8.self)
        #expect(received.contains("with ESMTPA id"))
    }

    @Test func authCancelAndUnknownMechanism() {
        var d = SessionDriver(policy: SourcePolicy(allowUnencryptedAuth: true),
                              configuration: SMTPServerConfiguration(hostName: "h", authenticator: Self.users))
        _ = d.start()
        _ = d.send("EHLO c\r\n")
        #expect(d.send("AUTH CRAM-MD5\r\n").map(\.code) == [504])
        #expect(d.send("AUTH LOGIN\r\n*\r\n").map(\.code) == [334, 501])
        #expect(d.send("AUTH PLAIN !!!\r\n").map(\.code) == [501])
    }

    @Test func requireAuthRefusesMail() {
        var d = SessionDriver(policy: SourcePolicy(requireAuth: true))
        _ = d.start()
        #expect(d.send("EHLO c\r\nMAIL FROM:<a@b.example>\r\n").map(\.dsnDiag).last == "530 5.7.0 Authentication required")
    }

    @Test func virtualMTAChoiceAndHeaders() throws {
        let rules = [
            SourcePolicy.PatternRule(field: .rcptTo, regex: try PatternRegex("@gmail\\.com$"), virtualMTA: "vmta-gmail"),
            SourcePolicy.PatternRule(field: .mailFrom, regex: try PatternRegex("^news@"), virtualMTA: "vmta-news"),
        ]
        let policy = SourcePolicy(allowRelaying: true, processXVirtualMTA: true, defaultVirtualMTA: "vmta-default",
                                  patternRules: rules, addMessageIDHeader: true, addDateHeader: true)
        func inject(_ from: String, _ to: String, _ headers: String) -> ReceivedMessage? {
            var d = SessionDriver(policy: policy)
            _ = d.start()
            _ = d.send("EHLO c\r\nMAIL FROM:<\(from)>\r\nRCPT TO:<\(to)>\r\nDATA\r\n\(headers)\r\nbody\r\n.\r\n")
            return d.delivered.first
        }
        let byHeader = try #require(inject("a@x.example", "b@gmail.com", "X-Virtual-MTA: vmta-h\r\n"))
        #expect(byHeader.virtualMTA == "vmta-h")
        let text = String(decoding: byHeader.content, as: UTF8.self)
        #expect(!text.contains("X-Virtual-MTA"))
        #expect(text.contains("Message-ID: <"))
        #expect(text.contains("@mx.sluice.test>\r\n"))
        #expect(text.contains("\r\nDate: Wed, 18 Nov 2026 "))
        #expect(text.contains("\r\n\tfor <b@gmail.com>; Wed, 18 Nov 2026"))
        #expect(inject("a@x.example", "b@gmail.com", "Subject: s\r\n")?.virtualMTA == "vmta-gmail")
        #expect(inject("news@x.example", "b@yahoo.com", "Subject: s\r\n")?.virtualMTA == "vmta-news")
        #expect(inject("a@x.example", "b@yahoo.com", "Subject: s\r\n")?.virtualMTA == "vmta-default")
        let kept = try #require(inject("a@x.example", "b@yahoo.com", "Message-ID: <mine@x>\r\nDate: Tue, 1 Jan 2030 00:00:00 +0000\r\n"))
        let keptText = String(decoding: kept.content, as: UTF8.self)
        #expect(keptText.components(separatedBy: "Message-ID:").count == 2)
        #expect(keptText.components(separatedBy: "Date:").count == 2)
    }

    @Test func xVirtualMTAIgnoredWhenNotProcessed() throws {
        var d = SessionDriver(policy: SourcePolicy(allowRelaying: true, defaultVirtualMTA: "dflt"))
        _ = d.start()
        _ = d.send("EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\nX-Virtual-MTA: other\r\n\r\nx\r\n.\r\n")
        let message = try #require(d.delivered.first)
        #expect(message.virtualMTA == "dflt")
        #expect(String(decoding: message.content, as: UTF8.self).contains("X-Virtual-MTA: other\r\n"))
    }

    @Test("rewrite-list: MAIL FROM:<a@old.example> is spooled as a@new.example and the From header is rewritten alike")
    func rewriteListRewritesSenderAndFrom() throws {
        let location = SourceLocation(file: "t.conf", line: 1, column: 1)
        let list = RewriteList(name: "brands", rules: [
            AddressRewriteRule(field: .mailFrom, pattern: "*@old.example", replacement: "*@new.example", location: location),
            AddressRewriteRule(field: .headerFrom, pattern: "*@old.example", replacement: "*@new.example", location: location),
        ], location: location)
        var policy = SourcePolicy(allowRelaying: true, patternRules: [
            SourcePolicy.PatternRule(field: .mailFrom, regex: try PatternRegex("@new\\.example$"), virtualMTA: "vmta-new"),
        ])
        policy.rewriting = AddressRewriting(list)
        func inject(_ from: String, _ headers: String) -> ReceivedMessage? {
            var d = SessionDriver(policy: policy)
            _ = d.start()
            _ = d.send("EHLO c\r\nMAIL FROM:<\(from)>\r\nRCPT TO:<r@dest.example>\r\nDATA\r\n\(headers)\r\nbody\r\n.\r\n")
            return d.delivered.first
        }
        let message = try #require(inject("Alice.B@OLD.example", "From: \"Alice\" <alice.b@old.example>\r\nSubject: s\r\n"))
        #expect(message.sender == "Alice.B@new.example")
        // The pattern-list sees the rewritten sender.
        #expect(message.virtualMTA == "vmta-new")
        let text = String(decoding: message.content, as: UTF8.self)
        #expect(text.contains("\r\nFrom: \"Alice\" <alice.b@new.example>\r\nSubject: s\r\n"))
        #expect(!text.contains("old.example"))

        let other = try #require(inject("bob@elsewhere.example", "From: bob@elsewhere.example\r\n"))
        #expect(other.sender == "bob@elsewhere.example")
        #expect(String(decoding: other.content, as: UTF8.self).contains("\r\nFrom: bob@elsewhere.example\r\n"))
        #expect(try #require(inject("", "From: x@old.example\r\n")).sender == "")
    }

    @Test func backpressureWhileStoring() {
        var d = SessionDriver(configuration: SMTPServerConfiguration(hostName: "h", maximumBufferedInput: 100))
        _ = d.start()
        _ = d.open()
        _ = d.send("DATA\r\nx\r\n.\r\n")
        #expect(d.session.wantsInput)
        _ = d.send(String(repeating: "NOOP\r\n", count: 30))
        #expect(!d.session.wantsInput)
        #expect(d.finish(.accepted(MessageID(1))).count == 31)
        #expect(d.session.wantsInput)
    }
}

@Suite struct HeaderEditorTests {
    @Test func findsUnfoldsAndRemovesFields() {
        let content = Array("X-Job: a\r\n b\r\nSubject: s\r\nx-job: second\r\n\r\nX-Job: in body\r\n".utf8)
        var editor = HeaderEditor(content: content)
        #expect(editor.fields.count == 3)
        #expect(editor.remove(named: "x-JOB") == "a b")
        editor.prepend(name: "Received", value: "r")
        #expect(String(decoding: editor.content, as: UTF8.self) == "Received: r\r\nSubject: s\r\n\r\nX-Job: in body\r\n")
    }

    @Test func replacesAFieldInPlace() {
        var editor = HeaderEditor(content: Array("Subject: s\r\nfrom: a\r\n b\r\nTo: t\r\n\r\nFrom: body\r\n".utf8))
        let replaced = editor.replaceFirst(named: "FROM", value: "c@d.example")
        let absent = editor.replaceFirst(named: "Cc", value: "x")
        #expect(replaced && !absent)
        #expect(String(decoding: editor.content, as: UTF8.self)
                == "Subject: s\r\nfrom: c@d.example\r\nTo: t\r\n\r\nFrom: body\r\n")
    }

    @Test func valuesAreUnfoldedAndTrimmedAsFoundationWould() {
        let editor = HeaderEditor(content: Array(
            "A: \t x \r\n\ty \r\nB:\r\nC: caf\u{E9}\u{A0}\r\nD: a\rb\r\n\r\n".utf8))
        #expect(editor.fields.map(\.value) == ["x \ty", "", "caf\u{E9}", "a\rb"])
        // The field name is matched without regard to the case of ASCII letters only.
        #expect(ASCIICase.equal("X-Virtual-MTA".utf8, "x-virtual-mta".utf8))
        #expect(!ASCIICase.equal("X@".utf8, "x`".utf8))
        #expect(!ASCIICase.equal("Date".utf8, "Dates".utf8))
    }

    @Test func messageWithoutHeadersIsAllBody() {
        var editor = HeaderEditor(content: Array("just text\r\n".utf8))
        #expect(editor.fields.isEmpty)
        editor.append(name: "Date", value: "d")
        #expect(String(decoding: editor.content, as: UTF8.self) == "Date: d\r\njust text\r\n")
    }

    @Test func rfc5322Dates() {
        #expect(CivilTime(Instant(milliseconds: 0)).rfc5322Text == "Thu, 1 Jan 1970 00:00:00 +0000")
        #expect(CivilTime(Instant(milliseconds: 1_795_000_000_000)).rfc5322Text == "Wed, 18 Nov 2026 11:06:40 +0000")
        #expect(CivilTime(Instant(milliseconds: 951_782_400_000)).rfc5322Text == "Tue, 29 Feb 2000 00:00:00 +0000")
    }
}
