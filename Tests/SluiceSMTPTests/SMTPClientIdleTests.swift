import NIOPosix
import SluiceConfig
import SluiceBase
import Testing
@testable import SluiceSMTP

/// The connection's idle timer runs on the injected clock.
@Suite struct SMTPClientIdleTests {
    @Test func idleConnectionQuitsOnTheInjectedClock() async throws {
        try await TestServer.with { server in
            let clock = VirtualClock()
            let configuration = SMTPClientConfiguration(heloName: "vmta.test", sourceAddress: "127.0.0.1", tlsPolicy: .never,
                                                        connectTimeout: .seconds(5), greetingTimeout: .seconds(5),
                                                        commandTimeout: .seconds(5), dataTimeout: .seconds(5), idleTimeout: .seconds(30))
            let connection = try await SMTPClientConnection.connect(host: "127.0.0.1", port: server.port, configuration: configuration,
                                                                   group: MultiThreadedEventLoopGroup.singleton, clock: clock)
            await clock.waitForSleepers(1)
            clock.advance(by: .seconds(20))
            // A transaction restarts the timer.
            let transaction = OutboundTransaction(sender: "a@sender.test", recipients: [.init(address: "x@foreign.test")],
                                                  content: Array("Subject: idle\r\n\r\nx\r\n".utf8))
            #expect(await connection.send(transaction).recipients.map(\.disposition) == [.delivered])
            await clock.waitForSleepers(1)
            clock.advance(by: .seconds(29))
            #expect(await connection.isUsable)
            clock.advance(by: .seconds(1))
            for _ in 0..<100_000 where await connection.isUsable { await Task.yield() }
            #expect(await connection.isUsable == false, "QUIT after 30 s of the clock without work")
            #expect(await connection.send(transaction).recipients.map(\.reply.dsnDiag)
                    == ["451 4.4.2 connection lost: connection not usable"])
            #expect(await server.receiver.messages.count == 1)
        }
    }
}
