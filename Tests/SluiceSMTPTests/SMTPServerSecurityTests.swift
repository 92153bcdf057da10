import Foundation
import SluiceBase
import Testing
@testable import SluiceSMTP

/// STARTTLS and AUTH offers per source, implicit TLS, AUTH failure limits and the policy a user
/// brings after AUTH, on the session alone.
@Suite struct SMTPServerSecurityTests {
    private static let users = SMTPServerConfiguration.authenticator(users: ["bob": "secret", "eve": "evil"])
    private static let plainBob = Data("\0bob\0secret".utf8).base64EncodedString()

    private static func configuration(maximumErrors: Int = 10) -> SMTPServerConfiguration {
        SMTPServerConfiguration(hostName: "mx.sluice.test", maximumErrors: maximumErrors, authenticator: users)
    }

    @Test func startTLSIsNotOfferedWhenTheSourceDisallowsIt() throws {
        var d = SessionDriver(policy: SourcePolicy(allowStartTLS: false), tls: true)
        _ = d.start()
        let ehlo = try #require(d.send("EHLO c\r\n").first)
        #expect(ehlo.code == 250)
        #expect(!ehlo.lines.contains("STARTTLS"))
        #expect(d.send("STARTTLS\r\n").map(\.dsnDiag) == ["502 5.5.1 STARTTLS not available"])
        #expect(!d.tlsRequested)
        // The same server offers it to a source that allows it (the default).
        var allowed = SessionDriver(tls: true)
        _ = allowed.start()
        #expect(allowed.send("EHLO c\r\n").first?.lines.contains("STARTTLS") == true)
    }

    @Test func authIsOfferedOnlyAfterStartTLSByDefault() throws {
        var d = SessionDriver(configuration: Self.configuration(), tls: true)
        _ = d.start()
        let before = try #require(d.send("EHLO c\r\n").first)
        #expect(before.lines.contains("STARTTLS"))
        #expect(!before.lines.contains { $0.hasPrefix("AUTH") })
        #expect(d.send("AUTH LOGIN\r\n").map(\.code) == [538])
        #expect(d.send("STARTTLS\r\n").map(\.code) == [220])
        _ = d.collect(d.session.tlsEstablished())
        let after = try #require(d.send("EHLO c\r\n").first)
        #expect(after.lines.contains("AUTH PLAIN LOGIN"))
        #expect(!after.lines.contains("STARTTLS"))
        // require-starttls-before-auth no (allow-unencrypted-plain-auth yes): offered in plain text.
        var plain = SessionDriver(policy: SourcePolicy(allowUnencryptedAuth: true), configuration: Self.configuration(), tls: true)
        _ = plain.start()
        #expect(plain.send("EHLO c\r\n").first?.lines.contains("AUTH PLAIN LOGIN") == true)
    }

    @Test func implicitTLSSessionIsSecureFromTheStart() throws {
        // As the handler creates it on a tls=yes listener: TLS active, STARTTLS not available.
        var d = SessionDriver(configuration: Self.configuration(), tls: false, tlsActive: true)
        #expect(d.session.tlsActive)
        #expect(d.start().map(\.code) == [220])
        let ehlo = try #require(d.send("EHLO c\r\n").first)
        #expect(!ehlo.lines.contains("STARTTLS"))
        #expect(ehlo.lines.contains("AUTH PLAIN LOGIN"))
        #expect(d.send("STARTTLS\r\n").map(\.dsnDiag) == ["503 5.5.1 TLS already active"])
        #expect(d.send("AUTH PLAIN \(Self.plainBob)\r\n").map(\.code) == [235])
        #expect(d.send("MAIL FROM:<bob@x.example>\r\nRCPT TO:<u@local.example>\r\nDATA\r\nhi\r\n.\r\n").map(\.code) == [250, 250, 354])
        let received = String(decoding: try #require(d.delivered.first).content, as: UTF8.self)
        #expect(received.contains("with ESMTPSA id"))
    }

    @Test func threeFailedAuthenticationsClose421() {
        var d = SessionDriver(policy: SourcePolicy(allowUnencryptedAuth: true), configuration: Self.configuration())
        _ = d.start()
        _ = d.send("EHLO c\r\n")
        let wrong = Data("\0bob\0guess".utf8).base64EncodedString()
        #expect(d.send("AUTH PLAIN \(wrong)\r\n").map(\.code) == [535])
        // A failure through AUTH LOGIN counts as well.
        #expect(d.send("AUTH LOGIN\r\nYm9i\r\nbm9wZQ==\r\n").map(\.code) == [334, 334, 535])
        #expect(!d.closed)
        let last = d.send("AUTH PLAIN \(wrong)\r\nNOOP\r\n")
        #expect(last.map(\.dsnDiag) == ["535 5.7.8 Authentication credentials invalid",
                                        "421 4.7.0 mx.sluice.test Too many failed authentications, closing connection"])
        #expect(d.closed)
        #expect(d.session.authenticatedUser == nil)
    }

    @Test func twoFailuresThenTheRightPasswordAuthenticates() {
        var d = SessionDriver(policy: SourcePolicy(allowUnencryptedAuth: true), configuration: Self.configuration())
        _ = d.start()
        _ = d.send("EHLO c\r\n")
        let wrong = Data("\0nobody\0secret".utf8).base64EncodedString()
        #expect(d.send("AUTH PLAIN \(wrong)\r\nAUTH PLAIN \(wrong)\r\nAUTH PLAIN \(Self.plainBob)\r\n").map(\.code) == [535, 535, 235])
        #expect(!d.closed)
        #expect(d.session.authenticatedUser == "bob")
    }

    @Test func afterAuthThePolicyOfTheUsersSourceLetsTheClientRelay() throws {
        // As ConfigSourcePolicies gives them: AUTH alone does not open relaying; bob's source does.
        var configuration = Self.configuration()
        configuration.authenticatedPolicy = { user, _ in
            user == "bob" ? SourcePolicy(allowRelaying: true, defaultVirtualMTA: "auth-vmta", authenticationAllowsRelaying: false) : nil
        }
        let connection = SourcePolicy(localDomains: ["local.example"], allowUnencryptedAuth: true, authenticationAllowsRelaying: false)

        var bob = SessionDriver(policy: connection, configuration: configuration)
        _ = bob.start()
        #expect(bob.send("EHLO c\r\nMAIL FROM:<bob@x.example>\r\nRCPT TO:<r@foreign.example>\r\nRSET\r\n").map(\.code)
                == [250, 250, 550, 250])
        #expect(bob.send("AUTH PLAIN \(Self.plainBob)\r\n").map(\.code) == [235])
        #expect(bob.session.policy.allowRelaying)
        #expect(bob.send("MAIL FROM:<bob@x.example>\r\nRCPT TO:<r@foreign.example>\r\nDATA\r\nhi\r\n.\r\n").map(\.code)
                == [250, 250, 354])
        let message = try #require(bob.delivered.first)
        #expect(message.authenticatedUser == "bob")
        #expect(message.virtualMTA == "auth-vmta")

        // eve authenticates, but names no source: the address's policy stays, and it does not relay.
        var eve = SessionDriver(policy: connection, configuration: configuration)
        _ = eve.start()
        let plainEve = Data("\0eve\0evil".utf8).base64EncodedString()
        #expect(eve.send("EHLO c\r\nAUTH PLAIN \(plainEve)\r\n").map(\.code) == [250, 235])
        #expect(eve.send("MAIL FROM:<eve@x.example>\r\nRCPT TO:<r@foreign.example>\r\n").map(\.dsnDiag)
                == ["250 2.1.0 Ok", "550 5.7.1 Relaying denied"])
    }

    @Test func startTLSAfterAuthForgetsTheUserAndItsPolicy() {
        var configuration = Self.configuration()
        configuration.authenticatedPolicy = { _, _ in SourcePolicy(allowRelaying: true) }
        var d = SessionDriver(policy: SourcePolicy(allowUnencryptedAuth: true, authenticationAllowsRelaying: false),
                              configuration: configuration, tls: true)
        _ = d.start()
        #expect(d.send("EHLO c\r\nAUTH PLAIN \(Self.plainBob)\r\n").map(\.code) == [250, 235])
        #expect(d.session.policy.allowRelaying)
        #expect(d.send("STARTTLS\r\n").map(\.code) == [220])
        _ = d.collect(d.session.tlsEstablished())
        #expect(d.session.authenticatedUser == nil)
        #expect(!d.session.policy.allowRelaying)
    }
}
