import Foundation
import NIOPosix
import SluiceConfig
import Testing
@testable import SluiceSMTP

/// STARTTLS and AUTH over loopback, with a throwaway certificate.
@Suite struct SMTPTLSTests {
    static let users = SMTPServerConfiguration.authenticator(users: ["app": "s3cret"])
    static let body = "From: a@sender.test\r\nSubject: tls\r\n\r\nover TLS\r\n"

    static func withServer<T>(_ body: (TestServer) async throws -> T) async throws -> T {
        try await TestCertificate.with { certificate in
            let tls = try SMTPServerTLS.pemFiles(certificateChain: certificate.certificatePath, privateKey: certificate.keyPath)
            let configuration = SMTPServerConfiguration(hostName: "mx.sluice.test", authenticator: users)
            return try await TestServer.with(configuration: configuration, tls: tls, body)
        }
    }

    @Test(Peers.python3, Peers.openssl) func startTLSThenAuthLetsAForeignHostRelay() async throws {
        try await Self.withServer { server in
            let result = try await PythonClient.send(port: server.port, source: "127.0.0.2", from: "a@sender.test",
                                                     to: ["x@foreign.test"], body: Self.body,
                                                     extra: ["starttls": true, "auth": ["app", "s3cret"]])
            #expect(result["auth"] as? String == "ok")
            #expect(result["result"] as? String == "ok")
            let message = try #require(await server.receiver.messages.first)
            #expect(message.authenticatedUser == "app")
            #expect(String(decoding: message.content, as: UTF8.self).contains("with ESMTPSA id"))
        }
    }

    @Test(Peers.python3, Peers.openssl) func wrongPasswordIsRefused() async throws {
        try await Self.withServer { server in
            let result = try await PythonClient.send(port: server.port, source: "127.0.0.2", from: "a@sender.test",
                                                     to: ["x@foreign.test"], body: Self.body,
                                                     extra: ["starttls": true, "auth": ["app", "wrong"]])
            #expect(result["result"] as? String == "auth_error")
            #expect(result["code"] as? Int == 535)
        }
    }

    @Test(Peers.python3, Peers.openssl) func authIsNotOfferedOrAcceptedBeforeTLS() async throws {
        try await Self.withServer { server in
            let result = try await PythonClient.send(port: server.port, source: "127.0.0.2", from: "a@sender.test",
                                                     to: ["x@foreign.test"], body: Self.body, extra: ["auth": ["app", "s3cret"]])
            #expect(result["result"] as? String == "not_supported")
            let plain = Data("\0app\0s3cret".utf8).base64EncodedString()
            let (lines, _) = try await PythonClient.raw(port: server.port, chunks: [[UInt8](ascii: "EHLO c\r\nAUTH PLAIN \(plain)\r\n")],
                                                        stopAfterLines: 9)
            #expect(lines.contains("250 STARTTLS"))
            #expect(lines.last == "538 5.7.11 Encryption required for requested authentication mechanism")
        }
    }

    @Test(Peers.python3, Peers.openssl) func garbageInsteadOfAHandshakeIsClosedAndOthersAreServed() async throws {
        try await Self.withServer { server in
            let start = [UInt8](ascii: "EHLO c\r\nSTARTTLS\r\n")
            let garbage = [UInt8](ascii: "GET / HTTP/1.0\r\n\r\n") + (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
            // The garbage goes after the 220, where the TLS handshake should begin.
            let (lines, closed) = try await PythonClient.raw(port: server.port, chunks: [start, garbage],
                                                             waitFor: ["220 2.0.0 Ready to start TLS"], readTimeout: 10)
            #expect(closed)
            #expect(lines.last == "220 2.0.0 Ready to start TLS")
            let result = try await PythonClient.send(port: server.port, from: "a@sender.test", to: ["x@foreign.test"],
                                                     body: Self.body, extra: ["starttls": true])
            #expect(result["result"] as? String == "ok")
        }
    }

    @Test(Peers.openssl) func deliveryClientUsesStartTLS() async throws {
        try await Self.withServer { server in
            let configuration = SMTPClientConfiguration(heloName: "vmta.sluice.test", sourceAddress: "127.0.0.1", tlsPolicy: .required,
                                                        connectTimeout: .seconds(5), greetingTimeout: .seconds(5),
                                                        commandTimeout: .seconds(5), dataTimeout: .seconds(5))
            let connection = try await SMTPClientConnection.connect(host: "127.0.0.1", port: server.port, configuration: configuration,
                                                                   tls: try .standard(), group: MultiThreadedEventLoopGroup.singleton)
            #expect(await connection.tlsActive)
            #expect(await connection.capabilities.startTLS == false)
            let outcome = await connection.send(OutboundTransaction(sender: "a@sender.test", recipients: [.init(address: "x@foreign.test")],
                                                                    content: Array(Self.body.utf8)))
            #expect(outcome.recipients.map(\.disposition) == [.delivered])
            await connection.quit()
            let message = try #require(await server.receiver.messages.first)
            #expect(String(decoding: message.content, as: UTF8.self).contains("with ESMTPS id"))
        }
    }

    @Test(Peers.openssl) func requiredTLSFailsWhenTheHandshakeFails() async throws {
        // A server that offers STARTTLS but whose certificate the verifying client rejects.
        try await Self.withServer { server in
            let configuration = SMTPClientConfiguration(heloName: "vmta.sluice.test", tlsPolicy: .required,
                                                        connectTimeout: .seconds(5), greetingTimeout: .seconds(5),
                                                        commandTimeout: .seconds(5), dataTimeout: .seconds(5))
            let tls = try SMTPClientTLS.standard(verifyPeer: true)
            do {
                _ = try await SMTPClientConnection.connect(host: "127.0.0.1", port: server.port, configuration: configuration,
                                                           tls: tls, group: MultiThreadedEventLoopGroup.singleton)
                Issue.record("a self-signed certificate was accepted")
            } catch {
                guard case .tlsFailed? = error as? SMTPClientError else { Issue.record("unexpected \(error)"); return }
            }
        }
    }
}
