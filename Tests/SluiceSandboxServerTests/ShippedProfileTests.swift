import Foundation
import SluiceConfig
import SluiceCore
import SluiceSandbox
import SluiceSandboxServer
import Testing

/// Each shipped profile on the network, seen by Python's smtplib.
@Suite struct ShippedProfileTests {
    @Test(Peers.python3) func gmailRateLimitAnswers421AndClosesPerSourceIP() async throws {
        try await withSandbox("gmail") { server in
            // 40 transactions in one write: the burst of 20 passes, the next MAIL meets the limit
            // however slowly the machine runs.
            let burst = (0..<40).map { "MAIL FROM:<bounces+\($0)@news.test>\r\nRSET\r\n" }.joined()
            let sessions = try await runPython(port: server.port, [
                ScriptedSession(source: "127.0.0.2", steps: [["ehlo"], ["pipeline", burst, "80"]]),
                ScriptedSession(source: "127.0.0.3", steps: [["ehlo"], ["mail", "bounces@news.test"]]),
            ])
            // Replies alternate MAIL, RSET until the 421.
            let mails = sessions[0].filter { $0.step == "pipeline" }.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
            let refusal = try #require(mails.first(where: { $0.code != 250 }))
            #expect(refusal.code == 421)
            #expect(refusal.text.hasPrefix("4.7.0 [127.0.0.2] Our system has detected an unusual rate"))
            #expect(mails.prefix { $0.code == 250 }.count >= 20, "the burst of 20 passes first")
            #expect(sessions[0].last?.code == -1, "421 closes the connection")
            // Another source IP has its own budget.
            #expect(sessions[1].last == StepReply(step: "mail", code: 250, text: "2.1.0 OK"))
            #expect(server.receiver.stats.deferred[.rateLimit] == 1)
        }
    }

    @Test(Peers.python3) func gmailUnknownUserBouncesAndOthersAreDelivered() async throws {
        let seed: UInt64 = 7
        let boxes = try mailboxes("gmail", seed: seed, domain: "gmail.com")
        let unknown = try #require(boxes.unknown.first), existing = try #require(boxes.existing.first)
        let text = body(lines: 40)
        try await withSandbox("gmail", seed: seed) { server in
            let sessions = try await runPython(port: server.port, [
                ScriptedSession(steps: [["ehlo"], ["mail", "bounces@news.test"], ["rcpt", unknown], ["rcpt", existing],
                                        ["data", text], ["quit"]]),
            ])
            let replies = sessions[0]
            try #require(replies.count == 7, "\(replies)")
            #expect(replies[0].code == 220)
            #expect(replies[0].text.hasPrefix("mx.google.com ESMTP "))
            #expect(replies[3].code == 550)
            #expect(replies[3].text.hasPrefix("5.1.1 The email account that you tried to reach does not exist."))
            #expect(replies[4].code == 250)
            #expect(replies[5].code == 250)
            #expect(replies[6].code == 221)
            let stats = server.receiver.stats
            #expect(stats.messagesAccepted == 1)
            #expect(stats.recipientsAccepted == 1)
            // smtplib terminates the last line: the content is the body plus CRLF, dots unstuffed.
            #expect(stats.bytesAccepted == text.utf8.count + 2)
            #expect(stats.rejected[.unknownUser] == 1)
        }
    }

    @Test(Peers.python3) func yahooIncidentTurnsEveryConnectionAwayWithTSS04() async throws {
        // The shipped incident runs 10 s to 40 s after the receiver starts, every 3 minutes: a
        // receiver started 25 s ago is in the middle of it, one started 100 s ago between two.
        try await withSandbox("yahoo", startedAt: WallClock().now() - .seconds(25)) { server in
            let sessions = try await runPython(port: server.port, [ScriptedSession(steps: [["ehlo"]])])
            #expect(sessions[0].first?.code == 421)
            #expect(sessions[0].first?.text.hasPrefix("4.7.0 [TSS04] Messages from 127.0.0.1 temporarily deferred") == true)
            #expect(server.receiver.stats.deferred[.incident] == 1)
        }
        try await withSandbox("yahoo", startedAt: WallClock().now() - .seconds(100)) { server in
            let sessions = try await runPython(port: server.port, [ScriptedSession(steps: [["ehlo"]])])
            #expect(sessions[0].first?.code == 220, "outside the incident the greeting is normal")
        }
    }

    @Test(Peers.python3) func outlookRateLimitKeepsTheConnectionOpenAndUnknownUsersGet550() async throws {
        let seed: UInt64 = 11
        let boxes = try mailboxes("outlook", seed: seed, domain: "outlook.com")
        let unknown = try #require(boxes.unknown.first)
        try await withSandbox("outlook", seed: seed) { server in
            let burst = String(repeating: "MAIL FROM:<bounces@news.test>\r\nRSET\r\n", count: 30)
            let sessions = try await runPython(port: server.port, [
                ScriptedSession(source: "127.0.0.4", steps: [["ehlo"], ["pipeline", burst, "60"], ["noop"]]),
                ScriptedSession(source: "127.0.0.5", steps: [["ehlo"], ["mail", "bounces@news.test"], ["rcpt", unknown]]),
            ])
            let limited = try #require(sessions[0].first(where: { $0.step == "pipeline" && $0.code != 250 }))
            #expect(limited.code == 451)
            #expect(limited.text.hasPrefix("4.7.650 The mail server [127.0.0.4] has been temporarily rate limited"))
            #expect(sessions[0].last == StepReply(step: "noop", code: 250, text: "2.0.0 OK"), "451 leaves the connection open")
            #expect(sessions[1].last?.code == 550)
            #expect(sessions[1].last?.text.hasPrefix("5.5.0 Requested action not taken: mailbox unavailable") == true)
        }
    }

    @Test(Peers.python3) func genericGreylistsSomeTripletsAndKeepsDeferringEarlyRetries() async throws {
        let seed: UInt64 = 3
        let boxes = try mailboxes("generic", seed: seed, domain: "example.net")
        let recipients = Array(boxes.existing.prefix(20))
        let unknown = try #require(boxes.unknown.first)
        try await withSandbox("generic", seed: seed) { server in
            var first = [["ehlo"], ["mail", "bounces@news.test"]]
            for address in recipients { first.append(["rcpt", address]) }
            first.append(["rcpt", unknown])
            let sessions = try await runPython(port: server.port, [ScriptedSession(steps: first), ScriptedSession(steps: first)])
            let attempts = sessions.map { $0.filter { $0.step == "rcpt" }.dropLast() }
            let greylisted = attempts[0].filter { $0.code == 451 }
            #expect(!greylisted.isEmpty)
            #expect(attempts[0].contains { $0.code == 250 })
            #expect(greylisted.allSatisfy { $0.text.hasPrefix("4.7.1 <") && $0.text.contains("Greylisted") })
            // A retry a moment later (well within min-wait 1m) is deferred again, recipient by recipient.
            #expect(attempts[1].map(\.code) == attempts[0].map(\.code))
            #expect(sessions[0].last?.code == 550)
            #expect(sessions[0].last?.text.hasSuffix("User unknown in virtual mailbox table") == true)
        }
    }
}
