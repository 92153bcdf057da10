import SluiceConfig
import SluiceBase
import Testing
@testable import SluiceSMTP

/// Builds machines and transactions for the tests: greeting timeout 2 min, command timeout 3 min,
/// data timeout 4 min, so that each armed timeout shows which limit it uses.
enum ClientMachine {
    typealias Action = SMTPClientStateMachine.Action

    static let greeting = SMTPReply(220, nil, "mx.dest.test ESMTP")
    static let mailOK = SMTPReply(250, "2.1.0", "Ok")
    static let rcptOK = SMTPReply(250, "2.1.5", "Ok")
    static let goAhead = SMTPReply(354, nil, "End data with <CR><LF>.<CR><LF>")
    static let queued = SMTPReply(250, "2.0.0", "Ok: queued as X1")
    static let content = "Subject: t\r\n\r\n.leading dot\r\n"

    static func configuration(tls: SMTPClientConfiguration.TLSPolicy = .opportunistic,
                              _ adjust: (inout SMTPClientConfiguration) -> Void = { _ in }) -> SMTPClientConfiguration {
        var configuration = SMTPClientConfiguration(heloName: "vmta.test", tlsPolicy: tls, greetingTimeout: .minutes(2),
                                                    commandTimeout: .minutes(3), dataTimeout: .minutes(4))
        adjust(&configuration)
        return configuration
    }

    static func ehlo(_ extensions: [String]) -> SMTPReply {
        SMTPReply(code: 250, lines: ["mx.dest.test"] + extensions)
    }

    /// A machine whose session is open on a peer announcing `extensions`.
    static func opened(_ extensions: [String], configuration: SMTPClientConfiguration = configuration()) -> SMTPClientStateMachine {
        var machine = SMTPClientStateMachine(configuration: configuration, host: "mx.dest.test", tlsAvailable: false)
        _ = machine.channelActive()
        _ = machine.replyReceived(greeting)
        let actions = machine.replyReceived(ehlo(extensions))
        #expect(actions.contains { if case .connectionReady = $0 { return true } else { return false } })
        return machine
    }

    static func transaction(_ recipients: [String], from sender: String = "b@s.test", content: String = content) -> OutboundTransaction {
        OutboundTransaction(sender: sender, recipients: recipients.map { .init(address: $0) }, content: Array(content.utf8))
    }

    /// The one outcome among `actions`.
    static func outcome(_ actions: [Action]) -> TransactionOutcome? {
        let outcomes = actions.compactMap { action -> TransactionOutcome? in
            if case .finishTransaction(let outcome) = action { return outcome } else { return nil }
        }
        return outcomes.count == 1 ? outcomes[0] : nil
    }
}

@Suite struct SMTPClientStateMachineOpeningTests {
    typealias M = ClientMachine

    @Test func greetingThenMultilineEHLOOpensTheSession() {
        var machine = SMTPClientStateMachine(configuration: M.configuration(), host: "mx.dest.test", tlsAvailable: false)
        #expect(machine.channelActive() == [.armTimeout(.greeting, after: .minutes(2))])
        #expect(machine.replyReceived(M.greeting) == [.write("EHLO vmta.test\r\n"), .armTimeout(.ehlo, after: .minutes(3))])
        let ehlo = M.ehlo(["PIPELINING", "SIZE 35882577", "8BITMIME", "DSN"])
        let capabilities = ESMTPCapabilities(ehloReply: ehlo)
        #expect(capabilities.pipelining && capabilities.size == 35_882_577 && capabilities.dsn)
        #expect(machine.replyReceived(ehlo) == [.cancelTimeout, .connectionReady(.init(greeting: M.greeting, capabilities: capabilities,
                                                                                          tlsActive: false))])
        #expect(!machine.isClosed)
    }

    @Test func refusedGreetingSaysQuitAndFails() {
        var machine = SMTPClientStateMachine(configuration: M.configuration(), host: "mx.dest.test", tlsAvailable: false)
        _ = machine.channelActive()
        let refusal = SMTPReply(554, "5.7.1", "No service for you")
        #expect(machine.replyReceived(refusal) == [.write("QUIT\r\n"), .connectionFailed(.greetingRefused(refusal)), .close])
        #expect(machine.isClosed)
        // Whatever comes later is ignored; a transaction gets an immediate outcome.
        #expect(machine.replyReceived(M.greeting) == [])
        let outcome = M.outcome(machine.transactionRequested(M.transaction(["a@d.test"])))
        #expect(outcome?.recipients.map(\.reply.dsnDiag) == ["451 4.4.2 connection lost: connection not usable"])
    }

    @Test func ehloRefusedWith5xxFallsBackToHELO() {
        var machine = SMTPClientStateMachine(configuration: M.configuration(), host: "mx.dest.test", tlsAvailable: false)
        _ = machine.channelActive()
        _ = machine.replyReceived(M.greeting)
        #expect(machine.replyReceived(SMTPReply(502, "5.5.1", "EHLO not implemented"))
                == [.write("HELO vmta.test\r\n"), .armTimeout(.helo, after: .minutes(3))])
        #expect(machine.replyReceived(SMTPReply(250, nil, "mx.dest.test"))
                == [.cancelTimeout, .connectionReady(.init(greeting: M.greeting, capabilities: .none, tlsActive: false))])
    }

    @Test func ehloRefusedWith4xxOrHELORefusedFails() {
        var temporary = SMTPClientStateMachine(configuration: M.configuration(), host: "mx.dest.test", tlsAvailable: false)
        _ = temporary.channelActive()
        _ = temporary.replyReceived(M.greeting)
        let busy = SMTPReply(421, "4.7.0", "Too busy")
        #expect(temporary.replyReceived(busy) == [.connectionFailed(.refused(busy)), .close])

        var helo = SMTPClientStateMachine(configuration: M.configuration(), host: "mx.dest.test", tlsAvailable: false)
        _ = helo.channelActive()
        _ = helo.replyReceived(M.greeting)
        _ = helo.replyReceived(SMTPReply(500, "5.5.1", "What?"))
        let refusal = SMTPReply(550, "5.7.1", "Go away")
        #expect(helo.replyReceived(refusal) == [.connectionFailed(.refused(refusal)), .close])
    }

    @Test func greetingTimeoutFailsTheOpening() {
        var machine = SMTPClientStateMachine(configuration: M.configuration(), host: "mx.dest.test", tlsAvailable: false)
        _ = machine.channelActive()
        #expect(machine.timeoutFired(.ehlo) == [], "a timeout that is not armed is ignored")
        #expect(machine.timeoutFired(.greeting) == [.connectionFailed(.timedOut(phase: "greeting")), .close])
    }

    /// Opens up to the first EHLO, announcing STARTTLS.
    func offeringTLS(_ policy: SMTPClientConfiguration.TLSPolicy, tlsAvailable: Bool = true)
        -> (SMTPClientStateMachine, [SMTPClientStateMachine.Action]) {
        var machine = SMTPClientStateMachine(configuration: M.configuration(tls: policy), host: "mx.dest.test", tlsAvailable: tlsAvailable)
        _ = machine.channelActive()
        _ = machine.replyReceived(M.greeting)
        let actions = machine.replyReceived(M.ehlo(["PIPELINING", "STARTTLS"]))
        return (machine, actions)
    }

    @Test func opportunisticTLSStartsTLSAndSaysEHLOAgain() {
        var (machine, actions) = offeringTLS(.opportunistic)
        #expect(actions == [.write("STARTTLS\r\n"), .armTimeout(.startTLS, after: .minutes(3))])
        #expect(machine.replyReceived(SMTPReply(220, "2.0.0", "Ready to start TLS")) == [.startTLS, .armTimeout(.tlsHandshake, after: .minutes(3))])
        #expect(machine.tlsEstablished() == [.write("EHLO vmta.test\r\n"), .armTimeout(.ehlo, after: .minutes(3))])
        let after = M.ehlo(["PIPELINING"])
        #expect(machine.replyReceived(after) == [.cancelTimeout, .connectionReady(.init(
            greeting: M.greeting, capabilities: ESMTPCapabilities(ehloReply: after), tlsActive: true))])
    }

    @Test func opportunisticTLSRefusedContinuesInPlainText() {
        var (machine, _) = offeringTLS(.opportunistic)
        let offered = ESMTPCapabilities(ehloReply: M.ehlo(["PIPELINING", "STARTTLS"]))
        #expect(machine.replyReceived(SMTPReply(454, "4.7.0", "TLS not available"))
                == [.cancelTimeout, .connectionReady(.init(greeting: M.greeting, capabilities: offered, tlsActive: false))])
    }

    @Test func requiredTLSFailsWhenRefusedNotOfferedOrTheHandshakeFails() {
        var (refused, _) = offeringTLS(.required)
        #expect(refused.replyReceived(SMTPReply(454, "4.7.0", "TLS not available"))
                == [.connectionFailed(.tlsFailed("454 4.7.0 TLS not available")), .close])

        var (failing, _) = offeringTLS(.required)
        _ = failing.replyReceived(SMTPReply(220, "2.0.0", "Ready"))
        #expect(failing.tlsFailed("certificate rejected") == [.connectionFailed(.tlsFailed("certificate rejected")), .close])

        var notOffered = SMTPClientStateMachine(configuration: M.configuration(tls: .required), host: "mx.dest.test", tlsAvailable: true)
        _ = notOffered.channelActive()
        _ = notOffered.replyReceived(M.greeting)
        #expect(notOffered.replyReceived(M.ehlo(["PIPELINING"])) == [.write("QUIT\r\n"), .connectionFailed(.tlsUnavailable), .close])

        let (unavailable, actions) = offeringTLS(.required, tlsAvailable: false)
        #expect(actions == [.write("QUIT\r\n"), .connectionFailed(.tlsUnavailable), .close])
        #expect(unavailable.isClosed)
    }

    @Test func tlsNeverOrUnavailableIsNotStarted() {
        for (policy, available) in [(SMTPClientConfiguration.TLSPolicy.never, true), (.opportunistic, false)] {
            let (_, actions) = offeringTLS(policy, tlsAvailable: available)
            #expect(actions.first == .cancelTimeout)
            #expect(actions.contains { if case .connectionReady(let session) = $0 { return !session.tlsActive } else { return false } })
        }
    }

    @Test func handshakeTimeoutFailsTheOpening() {
        var (machine, _) = offeringTLS(.opportunistic)
        _ = machine.replyReceived(SMTPReply(220, "2.0.0", "Ready"))
        #expect(machine.timeoutFired(.tlsHandshake) == [.connectionFailed(.timedOut(phase: "TLS handshake")), .close])
        #expect(machine.tlsEstablished() == [], "a handshake ending after the timeout is ignored")
    }
}

@Suite struct SMTPClientStateMachineTransactionTests {
    typealias M = ClientMachine

    @Test func pipelinedTransactionWithMixedRecipientResults() throws {
        var machine = M.opened(["PIPELINING", "SIZE 100000"])
        let size = M.content.utf8.count
        #expect(machine.transactionRequested(M.transaction(["ok@d.test", "temp@d.test", "perm@d.test"])) == [
            .write("MAIL FROM:<b@s.test> SIZE=\(size)\r\nRCPT TO:<ok@d.test>\r\nRCPT TO:<temp@d.test>\r\nRCPT TO:<perm@d.test>\r\nDATA\r\n"),
            .armTimeout(.mail, after: .minutes(3)),
        ])
        #expect(machine.replyReceived(M.mailOK) == [.armTimeout(.rcpt, after: .minutes(3))])
        #expect(machine.replyReceived(M.rcptOK) == [.armTimeout(.rcpt, after: .minutes(3))])
        let busy = SMTPReply(451, "4.2.1", "Mailbox busy"), unknown = SMTPReply(550, "5.1.1", "No such user")
        #expect(machine.replyReceived(busy) == [.armTimeout(.rcpt, after: .minutes(3))])
        #expect(machine.replyReceived(unknown) == [.armTimeout(.data, after: .minutes(3))])
        // The content goes dot-stuffed, with the end mark, and the data timeout runs.
        #expect(machine.replyReceived(M.goAhead) == [.writeContent(Array("Subject: t\r\n\r\n..leading dot\r\n.\r\n".utf8)),
                                                     .armTimeout(.endOfData, after: .minutes(4))])
        let actions = machine.replyReceived(M.queued)
        #expect(actions.last == .cancelTimeout)
        let outcome = try #require(M.outcome(actions))
        #expect(outcome.recipients.map(\.disposition) == [.delivered, .deferred, .bounced])
        #expect(outcome.recipients.map(\.reply) == [M.queued, busy, unknown])
        #expect(outcome.connectionReusable)
    }

    @Test func withoutPipeliningEachCommandWaitsAndRefusedRecipientsGetNoDATA() throws {
        var machine = M.opened(["8BITMIME"])
        #expect(machine.transactionRequested(M.transaction(["a@d.test", "b@d.test"]))
                == [.write("MAIL FROM:<b@s.test>\r\n"), .armTimeout(.mail, after: .minutes(3))])
        #expect(machine.replyReceived(M.mailOK) == [.write("RCPT TO:<a@d.test>\r\n"), .armTimeout(.rcpt, after: .minutes(3))])
        let unknown = SMTPReply(550, "5.1.1", "No such user")
        #expect(machine.replyReceived(unknown) == [.write("RCPT TO:<b@d.test>\r\n"), .armTimeout(.rcpt, after: .minutes(3))])
        // Every recipient refused: no DATA, and the next transaction starts with RSET.
        let actions = machine.replyReceived(unknown)
        #expect(actions.count == 2 && actions.last == .cancelTimeout)
        #expect(M.outcome(actions)?.recipients.map(\.disposition) == [.bounced, .bounced])
        #expect(machine.transactionRequested(M.transaction(["c@d.test"])) == [.write("RSET\r\n"), .armTimeout(.reset, after: .minutes(3))])
        #expect(machine.replyReceived(SMTPReply(250, "2.0.0", "Flushed")) == [.write("MAIL FROM:<b@s.test>\r\n"),
                                                                             .armTimeout(.mail, after: .minutes(3))])
    }

    @Test func pipelinedWithEveryRecipientRefusedSendsOnlyTheDotAfter354() throws {
        var machine = M.opened(["PIPELINING"])
        _ = machine.transactionRequested(M.transaction(["a@d.test"]))
        _ = machine.replyReceived(M.mailOK)
        _ = machine.replyReceived(SMTPReply(550, "5.1.1", "No such user"))
        // RFC 2920 §3.1: DATA was pipelined and accepted although no recipient was.
        #expect(machine.replyReceived(M.goAhead) == [.write(".\r\n"), .armTimeout(.endOfData, after: .minutes(4))])
        let outcome = try #require(M.outcome(machine.replyReceived(SMTPReply(554, "5.5.1", "No valid recipients"))))
        #expect(outcome.recipients.map(\.reply.code) == [550])
        #expect(machine.transactionRequested(M.transaction(["b@d.test"])).first == .write("RSET\r\n"))
    }

    @Test func resetBetweenTransactionsOnlyAfterAnOpenOne() throws {
        var machine = M.opened(["PIPELINING"])
        // A transaction that ended with its final reply leaves nothing open: no RSET.
        _ = machine.transactionRequested(M.transaction(["a@d.test"]))
        for reply in [M.mailOK, M.rcptOK, M.goAhead, M.queued] { _ = machine.replyReceived(reply) }
        #expect(machine.transactionRequested(M.transaction(["b@d.test"])).first == .write("MAIL FROM:<b@s.test>\r\nRCPT TO:<b@d.test>\r\nDATA\r\n"))
        // DATA refused after an accepted RCPT leaves the peer's transaction open: RSET next.
        for reply in [M.mailOK, M.rcptOK] { _ = machine.replyReceived(reply) }
        let refused = SMTPReply(451, "4.3.0", "Try later")
        #expect(M.outcome(machine.replyReceived(refused))?.recipients.map(\.reply) == [refused])
        #expect(machine.transactionRequested(M.transaction(["c@d.test"])) == [.write("RSET\r\n"), .armTimeout(.reset, after: .minutes(3))])
        // A refused RSET ends the session; the transaction is decided by its reply.
        let resetRefused = SMTPReply(500, "5.5.1", "RSET what?")
        let actions = machine.replyReceived(resetRefused)
        #expect(actions.last == .close)
        let outcome = try #require(M.outcome(actions))
        #expect(outcome.recipients.map(\.reply) == [resetRefused] && !outcome.connectionReusable)
    }

    @Test func reply421MidTransactionEndsTheSessionAtOnce() throws {
        var machine = M.opened([])
        _ = machine.transactionRequested(M.transaction(["a@d.test", "bye@d.test", "c@d.test"]))
        _ = machine.transactionRequested(M.transaction(["queued@d.test"]))
        _ = machine.replyReceived(M.mailOK)
        _ = machine.replyReceived(M.rcptOK)
        let bye = SMTPReply(421, "4.7.0", "Too busy, closing")
        let actions = machine.replyReceived(bye)
        // No DATA, no QUIT: both transactions end, in order, and the connection closes.
        #expect(actions.count == 3 && actions.last == .close)
        guard case .finishTransaction(let first) = actions[0], case .finishTransaction(let second) = actions[1] else {
            Issue.record("\(actions)")
            return
        }
        #expect(first.recipients.map(\.disposition) == [.deferred, .deferred, .deferred])
        #expect(first.recipients.map(\.reply.dsnDiag) == ["451 4.4.2 transaction with mx.dest.test ended without a final reply",
                                                          "421 4.7.0 Too busy, closing",
                                                          "451 4.4.2 transaction with mx.dest.test ended without a final reply"])
        #expect(!first.connectionReusable)
        #expect(second.recipients.map(\.reply.dsnDiag) == ["451 4.4.2 connection lost: connection not usable"])
        #expect(machine.isClosed)
    }

    @Test func pipelined421ToMAILDecidesEveryRecipient() throws {
        var machine = M.opened(["PIPELINING"])
        _ = machine.transactionRequested(M.transaction(["a@d.test", "b@d.test"]))
        let bye = SMTPReply(421, "4.3.2", "Shutting down")
        let actions = machine.replyReceived(bye)
        #expect(actions.last == .close)
        #expect(M.outcome(actions)?.recipients.map(\.reply) == [bye, bye])
    }

    @Test func dataTerminationTimeoutDefersOrAssumesDelivery() throws {
        for assume in [false, true] {
            var machine = M.opened(["PIPELINING"], configuration: M.configuration { $0.assumeDeliveryUponDataTerminationTimeout = assume })
            _ = machine.transactionRequested(M.transaction(["a@d.test", "perm@d.test"]))
            for reply in [M.mailOK, M.rcptOK, SMTPReply(550, "5.1.1", "No such user"), M.goAhead] { _ = machine.replyReceived(reply) }
            #expect(machine.timeoutFired(.rcpt) == [], "a stale timeout is ignored")
            let actions = machine.timeoutFired(.endOfData)
            #expect(actions.last == .close)
            let outcome = try #require(M.outcome(actions))
            #expect(outcome.recipients.map(\.disposition) == [assume ? .delivered : .deferred, .bounced])
            #expect(outcome.recipients[0].reply.dsnDiag == (assume
                ? "250 2.0.0 assumed delivered: timeout waiting for reply to end of data (assume-delivery-upon-data-termination-timeout)"
                : "451 4.4.2 timeout waiting for reply to end of data"))
            #expect(!outcome.connectionReusable)
        }
    }

    @Test func commandTimeoutAndLostConnectionDeferWhatIsMissing() throws {
        var timedOut = M.opened(["PIPELINING"])
        _ = timedOut.transactionRequested(M.transaction(["a@d.test", "b@d.test"]))
        _ = timedOut.replyReceived(M.mailOK)
        _ = timedOut.replyReceived(M.rcptOK)
        let late = try #require(M.outcome(timedOut.timeoutFired(.rcpt)))
        #expect(late.recipients.map(\.reply.dsnDiag) == ["451 4.4.2 timeout waiting for RCPT TO reply",
                                                         "451 4.4.2 timeout waiting for RCPT TO reply"])

        var lost = M.opened(["PIPELINING"])
        _ = lost.transactionRequested(M.transaction(["a@d.test", "perm@d.test"]))
        for reply in [M.mailOK, M.rcptOK, SMTPReply(550, "5.1.1", "No such user"), M.goAhead] { _ = lost.replyReceived(reply) }
        let actions = lost.channelClosed()
        #expect(actions.last == .close)
        let outcome = try #require(M.outcome(actions))
        #expect(outcome.recipients.map(\.reply.dsnDiag) == ["451 4.4.2 connection lost: closed by peer", "550 5.1.1 No such user"])
        #expect(lost.channelClosed() == [])
    }

    @Test func oversizedMessageIsRefusedWithoutSending() throws {
        var machine = M.opened(["SIZE 20"])
        let actions = machine.transactionRequested(M.transaction(["a@d.test"]))
        let outcome = try #require(M.outcome(actions))
        #expect(actions.count == 1, "nothing is written")
        #expect(outcome.recipients.map(\.reply.dsnDiag) == ["552 5.3.4 Message size \(M.content.utf8.count) exceeds the limit 20 of mx.dest.test"])
        #expect(outcome.connectionReusable)
        #expect(machine.transactionRequested(M.transaction(["a@d.test"], content: "x\r\n")).first == .write("MAIL FROM:<b@s.test> SIZE=3\r\n"))
    }

    @Test func mailParametersFollowTheCapabilities() {
        let eightBit = "Subject: caf\u{E9}\r\n\r\nx\r\n"
        var plain = M.opened(["8BITMIME"])
        #expect(plain.transactionRequested(M.transaction(["a@d.test"], content: eightBit)).first
                == .write("MAIL FROM:<b@s.test> BODY=8BITMIME\r\n"))
        var ignoring = M.opened(["8BITMIME"], configuration: M.configuration { $0.ignore8BitMIME = true })
        #expect(ignoring.transactionRequested(M.transaction(["a@d.test"], content: eightBit)).first == .write("MAIL FROM:<b@s.test>\r\n"))
    }
}

@Suite struct SMTPClientStateMachineSessionTests {
    typealias M = ClientMachine

    @Test func transactionsRequestedWhileOneRunsGoInOrder() throws {
        var machine = M.opened(["PIPELINING"])
        _ = machine.transactionRequested(M.transaction(["a@d.test"]))
        #expect(machine.transactionRequested(M.transaction(["b@d.test"])) == [], "queued behind the running one")
        _ = machine.replyReceived(M.mailOK)
        _ = machine.replyReceived(M.rcptOK)
        _ = machine.replyReceived(M.goAhead)
        let actions = machine.replyReceived(M.queued)
        #expect(actions.count == 3)
        #expect(M.outcome(Array(actions.prefix(1)))?.recipients.map(\.address) == ["a@d.test"])
        #expect(Array(actions.dropFirst()) == [.write("MAIL FROM:<b@s.test>\r\nRCPT TO:<b@d.test>\r\nDATA\r\n"),
                                               .armTimeout(.mail, after: .minutes(3))])
    }

    @Test func quitWaitsForTheRunningTransactionAndDropsTheQueuedOnes() throws {
        var machine = M.opened(["PIPELINING"])
        _ = machine.transactionRequested(M.transaction(["a@d.test"]))
        _ = machine.transactionRequested(M.transaction(["b@d.test"]))
        #expect(machine.quitRequested() == [])
        for reply in [M.mailOK, M.rcptOK, M.goAhead] { _ = machine.replyReceived(reply) }
        let actions = machine.replyReceived(M.queued)
        #expect(actions.count == 4)
        guard case .finishTransaction(let first) = actions[0], case .finishTransaction(let second) = actions[1] else {
            Issue.record("\(actions)")
            return
        }
        #expect(first.recipients.map(\.disposition) == [.delivered] && !first.connectionReusable)
        #expect(second.recipients.map(\.reply.dsnDiag) == ["451 4.4.2 connection lost: connection not usable"])
        #expect(Array(actions.suffix(2)) == [.write("QUIT\r\n"), .armTimeout(.quit, after: .minutes(3))])
        #expect(machine.replyReceived(SMTPReply(221, "2.0.0", "Bye")) == [.close])
        #expect(machine.channelClosed() == [])
    }

    @Test func quitWhenIdleAndItsTimeout() {
        var machine = M.opened([])
        #expect(machine.quitRequested() == [.write("QUIT\r\n"), .armTimeout(.quit, after: .minutes(3))])
        #expect(machine.quitRequested() == [])
        #expect(machine.timeoutFired(.quit) == [.close])
        #expect(machine.isClosed)
    }

    @Test func replyWithoutACommandEndsTheSession() {
        var machine = M.opened([])
        #expect(machine.replyReceived(SMTPReply(421, "4.4.2", "Idle timeout")) == [.close])
        #expect(machine.isClosed)
    }

    @Test func brokenConnectionWhileOpeningFailsIt() {
        var machine = SMTPClientStateMachine(configuration: M.configuration(), host: "mx.dest.test", tlsAvailable: false)
        _ = machine.channelActive()
        _ = machine.replyReceived(M.greeting)
        let error = SMTPClientError.protocolError("reply line longer than 4096 bytes")
        #expect(machine.failed(error) == [.connectionFailed(error), .close])
        #expect(machine.failed(error) == [])
    }
}
