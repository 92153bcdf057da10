import Foundation
import NIOPosix
import SluiceConfig
import SluiceBase
import Testing
@testable import SluiceSMTP

/// A receiver that delivers each injected message at once through the delivery client, so a
/// test can follow a message from smtplib through the server and the client to a real peer.
actor RelayingReceiver: MessageReceiver {
    let port: Int
    private(set) var outcomes: [TransactionOutcome] = []
    private var next: UInt64 = 0

    init(port: Int) { self.port = port }

    func receive(_ message: ReceivedMessage) async -> ReceiveResult {
        next += 1
        let configuration = SMTPClientConfiguration(heloName: "vmta.sluice.test", sourceAddress: "127.0.0.4",
                                                    connectTimeout: .seconds(5), greetingTimeout: .seconds(5),
                                                    commandTimeout: .seconds(5), dataTimeout: .seconds(5))
        let transaction = OutboundTransaction(sender: message.sender,
                                              recipients: message.recipients.map { .init(address: $0.address, parameters: $0.parameters) },
                                              content: message.content)
        do {
            let connection = try await SMTPClientConnection.connect(host: "127.0.0.1", port: port, configuration: configuration,
                                                                   group: MultiThreadedEventLoopGroup.singleton)
            outcomes.append(await connection.send(transaction))
            await connection.quit()
        } catch {
            outcomes.append(.assemble(addresses: transaction.recipients.map(\.address), mail: nil, rcpts: [], data: nil,
                                      final: nil, interruption: error.reply, connectionReusable: false))
        }
        return .accepted(MessageID(next))
    }
}

@Suite
struct SMTPSinkTests {
    static let group = MultiThreadedEventLoopGroup.singleton
    static let body = "From: a@sender.test\r\nSubject: sink\r\n\r\n.dot line\r\nbody\r\n"

    /// smtplib → SMTPServer → SMTPClientConnection → smtp-sink, returning the delivery outcome.
    static func relay(sinkOptions: [String], recipients: [String]) async throws -> TransactionOutcome? {
        try await SMTPSink.with(sinkOptions) { sinkPort in
            let receiver = RelayingReceiver(port: sinkPort)
            let table = SourcePolicyTable(entries: [(try CIDR(parsing: "127.0.0.1/32"), SourcePolicy(allowRelaying: true))])
            let server = try await SMTPServer.start(host: "127.0.0.1", port: 0,
                                                    configuration: SMTPServerConfiguration(hostName: "mx.sluice.test"),
                                                    policies: table, receiver: receiver, group: group)
            do {
                let injected = try await PythonClient.send(port: server.port, from: "a@sender.test", to: recipients, body: body)
                #expect(injected["result"] as? String == "ok")
                try await server.close()
            } catch {
                try? await server.close()
                throw error
            }
            return await receiver.outcomes.first
        }
    }

    @Test(Peers.smtpSink, Peers.python3) func deliveredThroughTheWholeChain() async throws {
        let outcome = try #require(try await Self.relay(sinkOptions: [], recipients: ["x@dest.test", "y@dest.test"]))
        #expect(outcome.recipients.map(\.disposition) == [.delivered, .delivered])
        #expect(outcome.recipients.allSatisfy { $0.reply.code == 250 })
    }

    @Test(Peers.smtpSink, Peers.python3) func peerTemporaryFailureAtRCPT() async throws {
        let outcome = try #require(try await Self.relay(sinkOptions: ["-r", "RCPT"], recipients: ["x@dest.test"]))
        #expect(outcome.recipients.map(\.reply.dsnDiag) == ["450 4.3.0 Error: command failed"])
        #expect(outcome.recipients.map(\.disposition) == [.deferred])
    }

    @Test(Peers.smtpSink, Peers.python3) func peerPermanentFailureAtEndOfData() async throws {
        let outcome = try #require(try await Self.relay(sinkOptions: ["-f", "."], recipients: ["x@dest.test", "y@dest.test"]))
        #expect(outcome.recipients.map(\.reply.dsnDiag) == ["500 5.3.0 Error: command failed", "500 5.3.0 Error: command failed"])
        #expect(outcome.recipients.map(\.disposition) == [.bounced, .bounced])
    }

    @Test(Peers.smtpSink, Peers.python3) func peerCustomBounceTextIsKeptAsDsnDiag() async throws {
        let outcome = try #require(try await Self.relay(sinkOptions: ["-f", "RCPT", "-B", "550 5.1.1 User unknown"],
                                                        recipients: ["x@dest.test"]))
        #expect(outcome.recipients.map(\.reply.dsnDiag) == ["550 5.1.1 User unknown"])
        #expect(outcome.recipients.map(\.disposition) == [.bounced])
    }

    @Test(Peers.smtpSink) func peer421AndCloseMidSession() async throws {
        try await SMTPSink.with(["-Q", "RCPT"]) { port in
            let connection = try await SMTPClientConnection.connect(
                host: "127.0.0.1", port: port,
                configuration: SMTPClientConfiguration(heloName: "vmta.sluice.test", sourceAddress: "127.0.0.4",
                                                       commandTimeout: .seconds(5)),
                group: Self.group)
            let outcome = await connection.send(OutboundTransaction(sender: "a@s.test", recipients: [.init(address: "x@d.test")],
                                                                    content: Array(Self.body.utf8)))
            #expect(outcome.recipients.map(\.reply.code) == [421])
            #expect(outcome.recipients.map(\.disposition) == [.deferred])
            #expect(!outcome.connectionReusable)
            #expect(await connection.isUsable == false)
        }
    }
}
