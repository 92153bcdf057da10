import NIOPosix
import SluiceConfig
import SluiceSandbox
import SluiceSandboxServer
import SluiceSMTP
import Testing

/// SluiceSMTP's delivery client (what the MTA uses) against a sandbox: pipelined transactions,
/// per-recipient outcomes, replies in order despite the profile's slow DATA replies.
@Suite struct PipeliningClientTests {
    @Test func pipelinedTransactionsGetEachRecipientsOutcome() async throws {
        let seed: UInt64 = 21
        let boxes = try mailboxes("gmail", seed: seed, domain: "gmail.com")
        let unknown = try #require(boxes.unknown.first)
        let existing = Array(boxes.existing.prefix(4))
        try await withSandbox("gmail", seed: seed) { server in
            let client = SMTPClientConfiguration(heloName: "mta.test", sourceAddress: "127.0.0.7", tlsPolicy: .never,
                                                 connectTimeout: .seconds(5), greetingTimeout: .seconds(10),
                                                 commandTimeout: .seconds(10), dataTimeout: .seconds(10))
            let connection = try await SMTPClientConnection.connect(host: "127.0.0.1", port: server.port, configuration: client,
                                                                    group: MultiThreadedEventLoopGroup.singleton)
            #expect(await connection.capabilities.pipelining)
            let content = Array("Subject: test\r\n\r\n.leading dot\r\nbody\r\n".utf8)
            let first = await connection.send(OutboundTransaction(
                sender: "bounces@news.test",
                recipients: [existing[0], unknown, existing[1]].map { OutboundTransaction.Recipient(address: $0) }, content: content))
            #expect(first.recipients.map(\.disposition) == [.delivered, .bounced, .delivered])
            #expect(first.recipients[1].reply.code == 550)
            // Every recipient refused: DATA is answered 554 and the next transaction still works.
            let refused = await connection.send(OutboundTransaction(
                sender: "bounces@news.test", recipients: [OutboundTransaction.Recipient(address: unknown)], content: content))
            #expect(refused.recipients.map(\.disposition) == [.bounced])
            let second = await connection.send(OutboundTransaction(
                sender: "bounces@news.test", recipients: [OutboundTransaction.Recipient(address: existing[2])], content: content))
            #expect(second.recipients.map(\.disposition) == [.delivered])
            #expect(second.connectionReusable)
            await connection.quit()
            let stats = server.receiver.stats
            #expect(stats.messagesAccepted == 2)
            #expect(stats.recipientsAccepted == 3)
            // The dot-stuffed line came through unstuffed: two messages of the same content.
            #expect(stats.bytesAccepted == 2 * content.count)
        }
    }
}
