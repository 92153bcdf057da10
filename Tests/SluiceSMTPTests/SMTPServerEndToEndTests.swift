import Foundation
import SluiceBase
import Testing
@testable import SluiceSMTP

/// Python's smtplib and raw sockets against the NIO server over loopback.
@Suite struct SMTPServerEndToEndTests {
    static let message = "From: a@sender.test\r\nTo: b@foreign.test\r\nX-Job: spring-sale\r\nSubject: hi\r\n\r\nline one\r\n.leading dot\r\n"

    @Test(Peers.python3) func smtplibInjectsAndTheMessageIsHandedOver() async throws {
        try await TestServer.with { server in
            let result = try await PythonClient.send(port: server.port, from: "a@sender.test",
                                                     to: ["b@foreign.test", "c@foreign.test"], body: Self.message,
                                                     extra: ["mail_options": ["BODY=8BITMIME", "RET=HDRS"],
                                                             "rcpt_options": ["NOTIFY=FAILURE,DELAY"]])
            #expect(result["result"] as? String == "ok")
            #expect((result["refused"] as? [String: Any])?.isEmpty == true)
            #expect(result["noop"] as? Int == 250)
            let messages = await server.receiver.messages
            let message = try #require(messages.first)
            #expect(messages.count == 1)
            #expect(message.clientAddress.description == "127.0.0.1")
            #expect(message.sender == "a@sender.test")
            #expect(message.recipients.map(\.address) == ["b@foreign.test", "c@foreign.test"])
            #expect(message.recipients[0].parameters.notify == [.failure, .delay])
            #expect(message.mailParameters.body == .eightBitMIME)
            #expect(message.mailParameters.ret == .headers)
            #expect(message.jobID == "spring-sale")
            let text = String(decoding: message.content, as: UTF8.self)
            #expect(text.hasPrefix("Received: from client.test ([127.0.0.1])"))
            #expect(text.hasSuffix("Subject: hi\r\n\r\nline one\r\n.leading dot\r\n"))
            #expect(!text.contains("X-Job"))
        }
    }

    @Test(Peers.python3) func neverAnOpenRelay() async throws {
        try await TestServer.with { server in
            // 127.0.0.2 has no relaying rights: a foreign domain is refused at RCPT, the local one accepted.
            let refused = try await PythonClient.send(port: server.port, source: "127.0.0.2", from: "a@sender.test",
                                                      to: ["victim@foreign.test"], body: Self.message)
            #expect(refused["result"] as? String == "recipients_refused")
            let reply = (refused["refused"] as? [String: [Any]])?["victim@foreign.test"]
            #expect(reply?.first as? Int == 550)
            #expect((reply?.last as? String)?.hasPrefix("5.7.1") == true)
            let mixed = try await PythonClient.send(port: server.port, source: "127.0.0.2", from: "a@sender.test",
                                                    to: ["victim@foreign.test", "user@local.test"], body: Self.message)
            #expect(mixed["result"] as? String == "ok")
            #expect((mixed["refused"] as? [String: [Any]])?["victim@foreign.test"]?.first as? Int == 550)
            let messages = await server.receiver.messages
            #expect(messages.map { $0.recipients.map(\.address) } == [["user@local.test"]])
        }
    }

    @Test(Peers.python3) func storageRefusalsReachTheClient() async throws {
        try await TestServer.with { server in
            await server.receiver.answer(with: .temporaryFailure(SMTPReply(452, "4.3.1", "Insufficient system storage")))
            let result = try await PythonClient.send(port: server.port, from: "a@sender.test", to: ["b@x.test"], body: Self.message)
            #expect(result["result"] as? String == "data_error")
            #expect(result["code"] as? Int == 452)
            #expect(result["message"] as? String == "4.3.1 Insufficient system storage")
        }
    }

    @Test(Peers.python3) func overlongLinesNULsAndOutOfOrderCommands() async throws {
        try await TestServer.with { server in
            let chunks: [[UInt8]] = [
                [UInt8](ascii: "EHLO c\r\n"),
                [UInt8](ascii: "NOOP " + String(repeating: "A", count: 100_000) + "\r\n"),
                [UInt8](ascii: "MAIL FROM:<a\u{0}b@x.test>\r\n"),
                [UInt8](ascii: "RCPT TO:<a@local.test>\r\nDATA\r\n"),
                [UInt8](ascii: "NOOP\r\n"),
            ]
            let (lines, _) = try await PythonClient.raw(port: server.port, chunks: chunks, stopAfterLines: 12)
            let codes = lines.map { String($0.prefix(3)) }
            // greeting, EHLO (6 lines), then one reply per command.
            #expect(codes.count == 12)
            #expect(Array(codes.suffix(5)) == ["500", "500", "503", "503", "250"])
            #expect(lines.contains("500 5.5.2 Line too long"))
        }
    }

    @Test(Peers.python3) func tenThousandRecipients() async throws {
        try await TestServer.with { server in
            var text = "EHLO c\r\nMAIL FROM:<a@sender.test>\r\n"
            for i in 0..<10_000 { text += "RCPT TO:<u\(i)@local.test>\r\n" }
            text += "DATA\r\nSubject: many\r\n\r\nbody\r\n.\r\nQUIT\r\n"
            let (lines, closed) = try await PythonClient.raw(port: server.port, chunks: [[UInt8](ascii: text)], readTimeout: 20)
            #expect(lines.filter { $0 == "250 2.1.5 Ok" }.count == 1000)
            #expect(lines.filter { $0 == "452 4.5.3 Too many recipients" }.count == 9000)
            #expect(lines.suffix(2).map { String($0.prefix(3)) } == ["250", "221"])
            #expect(closed)
            let messages = await server.receiver.messages
            #expect(messages.first?.recipients.count == 1000)
        }
    }

    @Test(Peers.python3) func messageOverSize() async throws {
        let configuration = SMTPServerConfiguration(hostName: "mx.sluice.test", maximumMessageSize: 10_000)
        try await TestServer.with(configuration: configuration) { server in
            let big = "Subject: big\r\n\r\n" + String(repeating: String(repeating: "x", count: 76) + "\r\n", count: 200)
            // smtplib declares SIZE, so the refusal comes at MAIL.
            let declared = try await PythonClient.send(port: server.port, from: "a@sender.test", to: ["b@x.test"], body: big)
            #expect(declared["result"] as? String == "sender_refused")
            #expect(declared["code"] as? Int == 552)
            // Undeclared: the content is read to its end and refused with 552 5.3.4; the session goes on.
            let chunks = [[UInt8](ascii: "EHLO c\r\nMAIL FROM:<a@s.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n"),
                          [UInt8](ascii: big + ".\r\nNOOP\r\n")]
            let (lines, _) = try await PythonClient.raw(port: server.port, chunks: chunks, stopAfterLines: 12)
            #expect(lines.suffix(2) == ["552 5.3.4 Message size exceeds fixed maximum message size", "250 2.0.0 Ok"])
            #expect(await server.receiver.messages.isEmpty)
        }
    }

    @Test(Peers.python3) func clientVanishingMidDataLosesNothingElse() async throws {
        try await TestServer.with { server in
            async let vanished = PythonClient.raw(
                port: server.port,
                chunks: [[UInt8](ascii: "EHLO c\r\nMAIL FROM:<a@s.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n"),
                         [UInt8](ascii: "Subject: half\r\n\r\nhalf a messa")],
                pause: 0.3, abort: true)
            let good = try await PythonClient.send(port: server.port, from: "a@sender.test", to: ["b@x.test"], body: Self.message)
            _ = try await vanished
            #expect(good["result"] as? String == "ok")
            let again = try await PythonClient.send(port: server.port, from: "a@sender.test", to: ["b@x.test"], body: Self.message)
            #expect(again["result"] as? String == "ok")
            let messages = await server.receiver.messages
            #expect(messages.count == 2)
            #expect(messages.allSatisfy { !String(decoding: $0.content, as: UTF8.self).contains("half") })
        }
    }

    @Test(Peers.python3) func bareLineFeedSmugglingIsRefused() async throws {
        try await TestServer.with { server in
            let text = "EHLO c\r\nMAIL FROM:<a@s.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n"
                + "Subject: s\r\n\r\nx\n.\nMAIL FROM:<evil@s.test>\r\n.\r\nNOOP\r\n"
            let (lines, _) = try await PythonClient.raw(port: server.port, chunks: [[UInt8](ascii: text)], stopAfterLines: 12)
            #expect(lines.suffix(2).map { String($0.prefix(9)) } == ["550 5.6.0", "250 2.0.0"])
            #expect(await server.receiver.messages.isEmpty)
        }
    }

    @Test(Peers.python3) func idleTimeoutCloses() async throws {
        let configuration = SMTPServerConfiguration(hostName: "mx.sluice.test", idleTimeout: .init(milliseconds: 300))
        try await TestServer.with(configuration: configuration) { server in
            let (lines, closed) = try await PythonClient.raw(port: server.port, chunks: [[UInt8](ascii: "HELO c\r\n")], readTimeout: 5)
            #expect(lines.last == "421 4.4.2 mx.sluice.test Idle timeout, closing connection")
            #expect(closed)
        }
    }

    @Test(Peers.python3) func tooManyErrorsCloses() async throws {
        try await TestServer.with { server in
            let garbage = [UInt8](ascii: String(repeating: "XYZZY\r\n", count: 50))
            let (lines, closed) = try await PythonClient.raw(port: server.port, chunks: [garbage])
            #expect(lines.count == 12)
            #expect(lines.last?.hasPrefix("421 4.7.0") == true)
            #expect(closed)
        }
    }

    @Test(Peers.python3) func totalSessionTimeoutCloses() async throws {
        let configuration = SMTPServerConfiguration(hostName: "mx.sluice.test", idleTimeout: .seconds(10),
                                                    sessionTimeout: .seconds(2))
        try await TestServer.with(configuration: configuration) { server in
            // A NOOP every 300 ms keeps the idle timer quiet; the session limit still ends it. (Generous
            // margins: the test must hold on a loaded 2-core CI machine.)
            let noops = Array(repeating: [UInt8](ascii: "NOOP\r\n"), count: 20)
            let (lines, closed) = try await PythonClient.raw(port: server.port, chunks: noops, pause: 0.3, readTimeout: 5)
            #expect(lines.last == "421 4.4.2 mx.sluice.test Session time limit exceeded, closing connection")
            #expect(lines.filter { $0 == "250 2.0.0 Ok" }.count >= 2)
            #expect(closed)
        }
    }

    @Test(Peers.python3) func hostileSessionsDoNotStopOthers() async throws {
        try await TestServer.with { server in
            // Two hostile clients on the same server: one streams an endless line, one vanishes mid-DATA.
            let endless = Array(repeating: [UInt8](repeating: UInt8(ascii: "A"), count: 50_000), count: 6)
            async let streaming = PythonClient.raw(port: server.port, chunks: endless, pause: 0.1, readTimeout: 1)
            async let vanishing = PythonClient.raw(
                port: server.port, chunks: [[UInt8](ascii: "HELO c\r\nMAIL FROM:<a@s.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\nhalf")],
                abort: true)
            var results: [String] = []
            for i in 0..<3 {
                let result = try await PythonClient.send(port: server.port, from: "a@sender.test", to: ["n\(i)@x.test"], body: Self.message)
                results.append(result["result"] as? String ?? "?")
            }
            let (streamed, _) = try await streaming
            _ = try await vanishing
            #expect(results == ["ok", "ok", "ok"])
            // The endless line got nothing but the greeting: it never ended, nothing was buffered past the limit.
            #expect(streamed.count == 1)
            #expect(await server.receiver.messages.count == 3)
        }
    }
}
