import NIOCore
import NIOPosix
import SluiceConfig
import SluiceBase
@testable import SluiceSMTP

/// Collects what the server hands over, answering with a configurable result.
actor CollectingReceiver: MessageReceiver {
    private(set) var messages: [ReceivedMessage] = []
    private var next: UInt64 = 0x100
    private var answer: ReceiveResult?

    func answer(with result: ReceiveResult?) { answer = result }

    func receive(_ message: ReceivedMessage) async -> ReceiveResult {
        if let answer { return answer }
        messages.append(message)
        next += 1
        return .accepted(MessageID(next))
    }
}

/// A server on 127.0.0.1 with a free port: 127.0.0.1 may relay, everyone else only reaches
/// `local.test`.
struct TestServer {
    let server: SMTPServer
    let receiver: CollectingReceiver
    var port: Int { server.port }

    static func start(configuration: SMTPServerConfiguration = SMTPServerConfiguration(hostName: "mx.sluice.test"),
                      relayPolicy: SourcePolicy = SourcePolicy(allowRelaying: true),
                      fallback: SourcePolicy = SourcePolicy(localDomains: ["local.test"]),
                      tls: SMTPServerTLS? = nil) async throws -> TestServer {
        let receiver = CollectingReceiver()
        let table = SourcePolicyTable(entries: [(try CIDR(parsing: "127.0.0.1/32"), relayPolicy)], fallback: fallback)
        let server = try await SMTPServer.start(host: "127.0.0.1", port: 0, configuration: configuration, policies: table,
                                                receiver: receiver, tls: tls, group: MultiThreadedEventLoopGroup.singleton)
        return TestServer(server: server, receiver: receiver)
    }

    /// Runs `body` against a fresh server and closes it afterwards, even on failure.
    static func with<T>(configuration: SMTPServerConfiguration = SMTPServerConfiguration(hostName: "mx.sluice.test"),
                        fallback: SourcePolicy = SourcePolicy(localDomains: ["local.test"]),
                        tls: SMTPServerTLS? = nil,
                        _ body: (TestServer) async throws -> T) async throws -> T {
        let server = try await start(configuration: configuration, fallback: fallback, tls: tls)
        do {
            let result = try await body(server)
            try await server.server.close()
            return result
        } catch {
            try? await server.server.close()
            throw error
        }
    }
}

extension Array where Element == UInt8 {
    init(ascii text: String) { self = Array(text.utf8) }
}
