import Foundation
import NIOPosix
import SluiceConfig
import SluiceBase
import Testing
@testable import SluiceSMTP

@Suite struct TransactionOutcomeTests {
    let ok = SMTPReply(250, "2.1.5", "Ok")
    @Test func mailRefusalDecidesEveryone() {
        let refused = SMTPReply(553, "5.7.1", "Sender refused")
        let outcome = TransactionOutcome.assemble(addresses: ["a", "b"], mail: refused, rcpts: [], data: nil, final: nil,
                                                  interruption: SMTPReply(451, "4.4.2", "x"), connectionReusable: true)
        #expect(outcome.recipients.map(\.disposition) == [.bounced, .bounced])
        #expect(outcome.recipients.allSatisfy { $0.reply == refused })
    }

    @Test func perRecipientThenFinal() {
        let temp = SMTPReply(451, "4.2.1", "busy"), final = SMTPReply(250, "2.0.0", "queued")
        let outcome = TransactionOutcome.assemble(addresses: ["a", "b", "c"], mail: ok,
                                                  rcpts: [ok, temp, ok], data: SMTPReply(354, nil, "go"), final: final,
                                                  interruption: SMTPReply(451, "4.4.2", "x"), connectionReusable: true)
        #expect(outcome.recipients.map(\.disposition) == [.delivered, .deferred, .delivered])
        #expect(outcome.recipients.map(\.reply) == [final, temp, final])
    }

    @Test func missingRepliesAreInterruptions() {
        let lost = SMTPReply(451, "4.4.2", "connection lost")
        let midData = TransactionOutcome.assemble(addresses: ["a", "b"], mail: ok, rcpts: [ok, SMTPReply(550, "5.1.1", "no")],
                                                  data: SMTPReply(354, nil, "go"), final: nil, interruption: lost, connectionReusable: false)
        #expect(midData.recipients.map(\.reply) == [lost, SMTPReply(550, "5.1.1", "no")])
        #expect(midData.recipients.map(\.disposition) == [.deferred, .bounced])
        let early = TransactionOutcome.assemble(addresses: ["a", "b"], mail: ok, rcpts: [ok], data: nil, final: nil,
                                                interruption: lost, connectionReusable: false)
        #expect(early.recipients.map(\.reply) == [lost, lost])
        let weird = TransactionOutcome.assemble(addresses: ["a"], mail: ok, rcpts: [ok], data: SMTPReply(250, nil, "?"), final: nil,
                                                interruption: lost, connectionReusable: false)
        #expect(weird.recipients.map(\.disposition) == [.deferred])
    }

    @Test func capabilitiesFromEHLO() {
        let reply = SMTPReply(code: 250, lines: ["mx.example", "pipelining", "SIZE 35882577", "8BITMIME", "STARTTLS",
                                                 "AUTH PLAIN login", "ENHANCEDSTATUSCODES", "DSN", "CHUNKING"])
        let caps = ESMTPCapabilities(ehloReply: reply)
        #expect(caps.pipelining && caps.eightBitMIME && caps.startTLS && caps.dsn && caps.enhancedStatusCodes && caps.extended)
        #expect(caps.size == 35_882_577)
        #expect(caps.authMechanisms == ["PLAIN", "LOGIN"])
        let minimal = ESMTPCapabilities(ehloReply: SMTPReply(code: 250, lines: ["mx"]))
        #expect(!minimal.pipelining && minimal.size == nil)
    }

    @Test func clientErrorsBecomeTransientReplies() {
        #expect(SMTPClientError.connectionLost("x").reply.dsnDiag == "451 4.4.2 connection lost: x")
        #expect(SMTPClientError.timedOut(phase: "greeting").reply.code == 451)
        #expect(SMTPClientError.refused(SMTPReply(554, "5.7.1", "go away")).reply.code == 554)
    }
}

/// The delivery client against the scripted Python peer over loopback.
@Suite struct SMTPClientPeerTests {
    static let group = MultiThreadedEventLoopGroup.singleton

    static func configuration(source: String = "127.0.0.3", _ adjust: (inout SMTPClientConfiguration) -> Void = { _ in })
        -> SMTPClientConfiguration {
        var c = SMTPClientConfiguration(heloName: "vmta1.sluice.test", sourceAddress: source, tlsPolicy: .opportunistic,
                                        connectTimeout: .seconds(5), greetingTimeout: .seconds(5), commandTimeout: .seconds(5),
                                        dataTimeout: .seconds(5), idleTimeout: .seconds(30))
        adjust(&c)
        return c
    }

    static func transaction(_ recipients: [String], from: String = "bounce@sender.test",
                            body: String = "Subject: t\r\n\r\n.leading dot\r\nline\r\n") -> OutboundTransaction {
        OutboundTransaction(sender: from, recipients: recipients.map { .init(address: $0) }, content: Array(body.utf8))
    }

    @Test(Peers.python3) func pipelinedTransactionWithPerRecipientOutcomes() async throws {
        try await PythonPeer.with { peer in
            let connection = try await SMTPClientConnection.connect(host: "127.0.0.1", port: peer.port,
                                                                   configuration: Self.configuration(), group: Self.group)
            #expect(await connection.capabilities.pipelining)
            #expect(connection.localAddress?.ipAddress == "127.0.0.3")
            let outcome = await connection.send(Self.transaction(["ok@dest.test", "temp1@dest.test", "perm1@dest.test"]))
            #expect(outcome.recipients.map(\.disposition) == [.delivered, .deferred, .bounced])
            #expect(outcome.recipients.map(\.reply.dsnDiag) == ["250 2.0.0 Ok: queued as X1", "451 4.2.1 Mailbox busy, try later",
                                                                "550 5.1.1 No such user here"])
            #expect(outcome.connectionReusable)
            await connection.quit()
            _ = try await peer.process.waitForLine { $0.contains("QUIT") }
            let commands = peer.commands
            #expect(commands.allSatisfy { $0.peer == "127.0.0.3" && $0.conn == 1 })
            #expect(commands.first?.line == "EHLO vmta1.sluice.test")
            // MAIL, the three RCPTs and DATA arrived in one read: pipelined.
            let envelope = commands.filter { ["MAIL", "RCPT", "DATA"].contains(String($0.line.prefix(4))) }
            #expect(envelope.count == 5)
            #expect(Set(envelope.map(\.read)).count == 1)
            #expect(envelope.first?.line == "MAIL FROM:<bounce@sender.test>")
            // Dot-stuffed on the wire.
            #expect(peer.contents.first == ["Subject: t", "", "..leading dot", "line"])
        }
    }

    @Test(Peers.python3) func connectionReuseWithResetAfterAFailedTransaction() async throws {
        try await PythonPeer.with { peer in
            let connection = try await SMTPClientConnection.connect(host: "127.0.0.1", port: peer.port,
                                                                   configuration: Self.configuration(), group: Self.group)
            let first = await connection.send(Self.transaction(["a@dest.test"]))
            let second = await connection.send(Self.transaction(["perm@dest.test", "temp@dest.test"]))
            let third = await connection.send(Self.transaction(["b@dest.test"], from: "reject@sender.test"))
            let fourth = await connection.send(Self.transaction(["c@dest.test"], body: "Subject: x\r\n\r\nDEFER-DATA\r\n"))
            let fifth = await connection.send(Self.transaction(["d@dest.test"]))
            #expect(first.recipients.map(\.disposition) == [.delivered])
            #expect(second.recipients.map(\.disposition) == [.bounced, .deferred])
            #expect(third.recipients.map(\.reply.dsnDiag) == ["553 5.7.1 Sender refused"])
            #expect(fourth.recipients.map(\.reply.dsnDiag) == ["452 4.3.1 Insufficient storage"])
            #expect(fifth.recipients.map(\.disposition) == [.delivered])
            #expect(await connection.transactionsSent == 5)
            await connection.quit()
            _ = try await peer.process.waitForLine { $0.contains("QUIT") }
            let lines = peer.commands.map(\.line)
            #expect(Set(peer.commands.map(\.conn)) == [1])
            #expect(lines.filter { $0.hasPrefix("MAIL") }.count == 5)
            // RSET only after the transaction whose recipients all failed (MAIL was open).
            #expect(lines.filter { $0 == "RSET" }.count == 1)
            let reset = try #require(lines.firstIndex(of: "RSET"))
            #expect(lines[reset + 1].hasPrefix("MAIL FROM:<reject@sender.test>"))
        }
    }

    @Test(Peers.python3) func withoutPipeliningCommandsGoOneByOne() async throws {
        try await PythonPeer.with(["--no-pipelining"]) { peer in
            let connection = try await SMTPClientConnection.connect(host: "127.0.0.1", port: peer.port,
                                                                   configuration: Self.configuration(), group: Self.group)
            let outcome = await connection.send(Self.transaction(["x@dest.test", "perm@dest.test"]))
            #expect(outcome.recipients.map(\.disposition) == [.delivered, .bounced])
            await connection.quit()
            _ = try await peer.process.waitForLine { $0.contains("QUIT") }
            let envelope = peer.commands.filter { ["MAIL", "RCPT", "DATA"].contains(String($0.line.prefix(4))) }
            #expect(Set(envelope.map(\.read)).count == envelope.count)
        }
    }

    @Test(Peers.python3) func heloFallback() async throws {
        try await PythonPeer.with(["--no-ehlo"]) { peer in
            let connection = try await SMTPClientConnection.connect(host: "127.0.0.1", port: peer.port,
                                                                   configuration: Self.configuration(), group: Self.group)
            #expect(await connection.capabilities.extended == false)
            let outcome = await connection.send(Self.transaction(["x@dest.test"]))
            #expect(outcome.recipients.map(\.disposition) == [.delivered])
            await connection.quit()
            _ = try await peer.process.waitForLine { $0.contains("QUIT") }
            #expect(peer.commands.map(\.line).contains("HELO vmta1.sluice.test"))
            #expect(peer.commands.first { $0.line.hasPrefix("MAIL") }?.line == "MAIL FROM:<bounce@sender.test>")
        }
    }

    @Test(Peers.python3) func connectionLostMidDataDefersTheTransaction() async throws {
        try await PythonPeer.with { peer in
            let connection = try await SMTPClientConnection.connect(host: "127.0.0.1", port: peer.port,
                                                                   configuration: Self.configuration(), group: Self.group)
            let outcome = await connection.send(Self.transaction(["a@dest.test", "perm@dest.test", "b@dest.test"],
                                                                 body: "Subject: x\r\n\r\nDROP-CONNECTION\r\nmore\r\n"))
            #expect(outcome.recipients.map(\.disposition) == [.deferred, .bounced, .deferred])
            #expect(outcome.recipients[0].reply.dsnDiag.hasPrefix("451 4.4.2 connection lost"))
            #expect(!outcome.connectionReusable)
            #expect(await connection.isUsable == false)
            let after = await connection.send(Self.transaction(["c@dest.test"]))
            #expect(after.recipients.map(\.disposition) == [.deferred])
        }
    }

    @Test(Peers.python3) func assumeDeliveryUponDataTerminationTimeout() async throws {
        for assume in [false, true] {
            try await PythonPeer.with { peer in
                let connection = try await SMTPClientConnection.connect(
                    host: "127.0.0.1", port: peer.port,
                    configuration: Self.configuration { $0.dataTimeout = .seconds(1); $0.assumeDeliveryUponDataTerminationTimeout = assume },
                    group: Self.group)
                let outcome = await connection.send(Self.transaction(["a@dest.test", "perm@dest.test"],
                                                                     body: "Subject: x\r\n\r\nSILENT-DATA\r\n"))
                #expect(outcome.recipients.map(\.disposition) == [assume ? .delivered : .deferred, .bounced])
                #expect(!outcome.connectionReusable)
            }
        }
    }

    @Test(Peers.python3) func ignore8BitMIME() async throws {
        for ignore in [false, true] {
            try await PythonPeer.with { peer in
                let connection = try await SMTPClientConnection.connect(
                    host: "127.0.0.1", port: peer.port, configuration: Self.configuration { $0.ignore8BitMIME = ignore },
                    group: Self.group)
                _ = await connection.send(Self.transaction(["a@dest.test"], body: "Subject: caf\u{E9}\r\n\r\nx\r\n"))
                await connection.quit()
                _ = try await peer.process.waitForLine { $0.contains("QUIT") }
                let mail = peer.commands.first { $0.line.hasPrefix("MAIL") }?.line ?? ""
                #expect(mail.contains("BODY=8BITMIME") == !ignore, "\(mail)")
            }
        }
    }

    @Test(Peers.python3) func reply421MidSessionEndsTheConnection() async throws {
        try await PythonPeer.with(["--no-pipelining"]) { peer in
            let connection = try await SMTPClientConnection.connect(host: "127.0.0.1", port: peer.port,
                                                                   configuration: Self.configuration(), group: Self.group)
            let outcome = await connection.send(Self.transaction(["a@dest.test", "bye@dest.test", "c@dest.test"]))
            #expect(outcome.recipients.map(\.disposition) == [.deferred, .deferred, .deferred])
            #expect(outcome.recipients[1].reply.dsnDiag == "421 4.7.0 Too busy, closing")
            #expect(!outcome.connectionReusable)
        }
    }

    @Test(Peers.python3) func peerSizeLimitBouncesWithoutSending() async throws {
        try await PythonPeer.with(["--size", "100"]) { peer in
            let connection = try await SMTPClientConnection.connect(host: "127.0.0.1", port: peer.port,
                                                                   configuration: Self.configuration(), group: Self.group)
            let big = "Subject: big\r\n\r\n" + String(repeating: "x", count: 200) + "\r\n"
            let outcome = await connection.send(Self.transaction(["a@dest.test"], body: big))
            #expect(outcome.recipients.map(\.reply.code) == [552])
            #expect(outcome.recipients.map(\.disposition) == [.bounced])
            let small = await connection.send(Self.transaction(["a@dest.test"], body: "Subject: s\r\n\r\nx\r\n"))
            #expect(small.recipients.map(\.disposition) == [.delivered])
            await connection.quit()
            _ = try await peer.process.waitForLine { $0.contains("QUIT") }
            #expect(peer.commands.filter { $0.line.hasPrefix("MAIL") }.map(\.line) == ["MAIL FROM:<bounce@sender.test> SIZE=17"])
        }
    }

    @Test(Peers.python3) func refusedGreetingAndMissingTLS() async throws {
        _ = try await PythonPeer.with(["--greeting", "554 5.7.1 No service for you"]) { peer in
            await #expect(throws: SMTPClientError.greetingRefused(SMTPReply(554, "5.7.1", "No service for you"))) {
                _ = try await SMTPClientConnection.connect(host: "127.0.0.1", port: peer.port,
                                                           configuration: Self.configuration(), group: Self.group)
            }
        }
        _ = try await PythonPeer.with { peer in
            await #expect(throws: SMTPClientError.tlsUnavailable) {
                _ = try await SMTPClientConnection.connect(host: "127.0.0.1", port: peer.port,
                                                           configuration: Self.configuration { $0.tlsPolicy = .required },
                                                           group: Self.group)
            }
        }
    }

    @Test(Peers.python3) func connectFailures() async throws {
        // A port nobody listens on (the peer's, after it stopped).
        let port = try await PythonPeer.with { $0.port }
        do {
            _ = try await SMTPClientConnection.connect(host: "127.0.0.1", port: port, configuration: Self.configuration(), group: Self.group)
            Issue.record("connected to a closed port")
        } catch {
            guard case .connectFailed = error else { Issue.record("unexpected \(error)"); return }
        }
        do {
            _ = try await SMTPClientConnection.connect(host: "127.0.0.1", port: port,
                                                       configuration: Self.configuration(source: "192.0.2.1"), group: Self.group)
            Issue.record("bound a non-local source address")
        } catch {
            guard case .connectFailed = error else { Issue.record("unexpected \(error)"); return }
        }
    }

    @Test func greetingTimeout() async throws {
        // A listener that never speaks: the Python client's raw mode is not needed, a NIO server suffices.
        let silent = try await NIOSilentServer.start()
        do {
            await #expect(throws: SMTPClientError.timedOut(phase: "greeting")) {
                _ = try await SMTPClientConnection.connect(
                    host: "127.0.0.1", port: silent.port,
                    configuration: Self.configuration { $0.greetingTimeout = .init(milliseconds: 200) }, group: Self.group)
            }
            try await silent.close()
        } catch {
            try? await silent.close()
            throw error
        }
    }
}
