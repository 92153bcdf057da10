import Foundation
import NIOPosix
import SluiceBase
import SluiceConfig
import Testing
@testable import SluiceSMTP

/// The delivery client against peers that misbehave (``FaultServer``): each fault ends in the
/// right transient or permanent outcome with a clear diagnostic, nothing waits forever, and no
/// descriptor is left open.
@Suite("Delivery client against faulty peers", .serialized)
struct DeliveryFaultTests {
    static let group = MultiThreadedEventLoopGroup.singleton

    /// Short timeouts, so that a silent peer costs a second.
    static let configuration = SMTPClientConfiguration(
        heloName: "vmta1.sluice.test", sourceAddress: "127.0.0.1", tlsPolicy: .opportunistic, connectTimeout: .seconds(2),
        greetingTimeout: .seconds(1), commandTimeout: .seconds(1), dataTimeout: .seconds(1), idleTimeout: .seconds(5))

    static let transaction = OutboundTransaction(sender: "bounce@sender.test",
                                                 recipients: [.init(address: "a@dest.test"), .init(address: "b@dest.test")],
                                                 content: Array("Subject: t\r\n\r\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: 200_000)
                                                     + Array("\r\n".utf8))

    /// Connects to a peer with `fault`, or returns the connection error; the server is closed after.
    private func connect(_ fault: FaultServer.Fault, tls: SMTPClientTLS? = nil,
                         configuration: SMTPClientConfiguration = DeliveryFaultTests.configuration,
                         _ body: (SMTPClientConnection) async -> Void = { _ in }) async throws -> SMTPClientError? {
        let server = try await FaultServer.start(fault)
        defer { Task { try? await server.close() } }
        do {
            let connection = try await SMTPClientConnection.connect(host: "127.0.0.1", port: server.port,
                                                                   configuration: configuration, tls: tls, group: Self.group)
            await body(connection)
            await connection.quit()
            return nil
        } catch {
            return error
        }
    }

    @Test("a peer that accepts and never speaks: the greeting times out (451 4.4.2)")
    func silentAfterAccept() async throws {
        let error = try await connect(.silentAfterAccept)
        #expect(error == .timedOut(phase: "greeting"))
        #expect(error?.reply.dsnDiag.hasPrefix("451 4.4.2 ") == true)
    }

    @Test("a peer that greets and then never answers EHLO: a transient timeout, not a hang")
    func silentAfterGreeting() async throws {
        let error = try await connect(.silentAfterGreeting)
        guard case .timedOut? = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
        #expect(error?.reply.code == 451)
    }

    @Test("garbage for a greeting, and a greeting of 4 MB without a line end, are protocol errors")
    func garbageAndHugeGreetings() async throws {
        // A greeting timeout long enough that only the bytes can end the wait, however loaded the machine.
        var patient = Self.configuration
        patient.greetingTimeout = .seconds(60)
        for fault in [FaultServer.Fault.garbageGreeting, .hugeGreeting(bytes: 4 << 20)] {
            let error = try await connect(fault, configuration: patient)
            guard let error, case .protocolError = error else {
                Issue.record("\(fault): expected a protocol error, got \(String(describing: error))")
                continue
            }
            #expect(error.reply.dsnDiag.hasPrefix("451 4.5.0 protocol error"), "\(error.reply.dsnDiag)")
        }
    }

    @Test("421 at the greeting refuses the connection with that reply")
    func busyGreeting() async throws {
        let error = try await connect(.busyGreeting)
        #expect(error == .greetingRefused(SMTPReply(421, "4.7.0", "Too busy, try later")))
    }

    @Test("421 after MAIL FROM and a close defer every recipient with that reply")
    func busyAfterMail() async throws {
        var outcome: TransactionOutcome?
        let error = try await connect(.busyAfterMail) { outcome = await $0.send(Self.transaction) }
        #expect(error == nil)
        #expect(outcome?.recipients.map(\.disposition) == [.deferred, .deferred])
        #expect(outcome?.recipients.first?.reply.dsnDiag == "421 4.7.0 Too busy, closing")
        #expect(outcome?.connectionReusable == false)
    }

    @Test("a peer that drops the connection mid-DATA: every recipient deferred, connection lost")
    func dropMidData() async throws {
        var outcome: TransactionOutcome?
        _ = try await connect(.dropMidData) { outcome = await $0.send(Self.transaction) }
        #expect(outcome?.recipients.map(\.disposition) == [.deferred, .deferred])
        #expect(outcome?.recipients.first?.reply.dsnDiag.hasPrefix("451 4.4.2 connection lost") == true,
                "\(String(describing: outcome?.recipients.first?.reply.dsnDiag))")
    }

    @Test("a final reply line of 4 MB breaks the connection: deferred, never delivered on a guess")
    func hugeFinalReply() async throws {
        var outcome: TransactionOutcome?
        _ = try await connect(.hugeFinalReply(bytes: 4 << 20)) { outcome = await $0.send(Self.transaction) }
        #expect(outcome?.recipients.map(\.disposition) == [.deferred, .deferred])
        #expect(outcome?.connectionReusable == false)
    }

    @Test("STARTTLS answered 220, then no TLS in answer to the hello: with opportunistic TLS, delivered in plain text on a second connection")
    func brokenTLSFallsBackToPlainText() async throws {
        var outcome: TransactionOutcome?
        var fallback: String?
        var encrypted: Bool?
        let error = try await connect(.brokenTLS, tls: try .standard()) { connection in
            fallback = connection.tlsFallback
            encrypted = await connection.tlsActive
            outcome = await connection.send(Self.transaction)
        }
        #expect(error == nil)
        #expect(encrypted == false)
        #expect(fallback?.hasPrefix("STARTTLS failed (") == true, "\(String(describing: fallback))")
        #expect(outcome?.recipients.map(\.disposition) == [.delivered, .delivered])
    }

    @Test("the same peer with require-starttls: a transient 4.7.5 TLS failure, no plain-text retry")
    func brokenTLS() async throws {
        var required = Self.configuration
        required.tlsPolicy = .required
        let error = try await connect(.brokenTLS, tls: try .standard(), configuration: required)
        guard let error else {
            Issue.record("connected over a broken TLS handshake")
            return
        }
        guard case .tlsFailed = error else {
            Issue.record("expected a TLS failure, got \(error)")
            return
        }
        #expect(error.reply.dsnDiag.hasPrefix("451 4.7.5 STARTTLS failed"), "\(error.reply.dsnDiag)")
    }

    @Test("a peer that writes every reply one byte at a time is read correctly")
    func oneByteAtATime() async throws {
        var outcome: TransactionOutcome?
        let error = try await connect(.oneByteAtATime) { outcome = await $0.send(Self.transaction) }
        #expect(error == nil)
        #expect(outcome?.recipients.map(\.disposition) == [.delivered, .delivered])
        #expect(outcome?.recipients.first?.reply.dsnDiag == "250 2.0.0 Ok: queued")
    }

    @Test("after every fault, no descriptor is left open")
    func noLeakedDescriptors() async throws {
        // Warm up the event loop and the TLS library, which open descriptors once for good.
        _ = try await connect(.oneByteAtATime) { _ = await $0.send(Self.transaction) }
        let before = openDescriptorCount()
        for _ in 0..<3 {
            _ = try await connect(.silentAfterAccept)
            _ = try await connect(.garbageGreeting)
            _ = try await connect(.busyGreeting)
            _ = try await connect(.busyAfterMail) { _ = await $0.send(Self.transaction) }
            _ = try await connect(.dropMidData) { _ = await $0.send(Self.transaction) }
            _ = try await connect(.hugeFinalReply(bytes: 1 << 20)) { _ = await $0.send(Self.transaction) }
        }
        // Closing is asynchronous on both sides: wait until the count is back.
        let deadline = ContinuousClock.now + .seconds(30)
        while openDescriptorCount() > before, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(openDescriptorCount() <= before, "descriptors: \(before) before, \(openDescriptorCount()) after")
    }
}
