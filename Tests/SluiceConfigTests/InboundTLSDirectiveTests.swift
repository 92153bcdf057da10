import Testing
@testable import SluiceConfig

@Suite("Inbound TLS and AUTH directives")
struct InboundTLSDirectiveTests {
    @Test("smtp-server-tls-certificate takes a PEM file and an optional passphrase; the file is not read by the parser")
    func certificate() {
        let plain = load("smtp-server-tls-certificate /etc/sluice/mta.pem\n")
        #expect(plain.diagnostics.isEmpty, "\(lines(plain))")
        #expect(plain.model.smtpServerTLSCertificate?.path == "/etc/sluice/mta.pem")
        #expect(plain.model.smtpServerTLSCertificate?.passphrase == nil)
        #expect(plain.model.smtpServerTLSCertificate?.location.description == "t.conf:1:1")

        let encrypted = load("host-name mx.test\nsmtp-server-tls-certificate /etc/sluice/mta.pem \"pass phrase\"\n")
        #expect(encrypted.diagnostics.isEmpty, "\(lines(encrypted))")
        #expect(encrypted.model.smtpServerTLSCertificate?.passphrase == "pass phrase")

        let tooMany = load("smtp-server-tls-certificate a.pem secret extra\n")
        #expect(tooMany.model.smtpServerTLSCertificate == nil)
        #expect(lines(tooMany).count == 1)
        #expect(lines(tooMany).first?.hasPrefix("t.conf:1:42: error: 'smtp-server-tls-certificate' takes a PEM file") == true,
                "\(lines(tooMany))")
        #expect(lines(load("smtp-server-tls-certificate\n")).first?.contains("takes a PEM file") == true)
    }

    @Test("tls=yes on an smtp-listener line, in a block's header, or as tls yes inside the block; no by default")
    func implicitTLSListeners() {
        let result = load("""
        smtp-listener 0/0:25
        smtp-listener 0/0:465 tls=yes
        <smtp-listener 127.0.0.1:2465 tls=yes>
        </smtp-listener>
        <smtp-listener [::1]:1465>
            tls yes
            source {auth}
        </smtp-listener>
        <smtp-listener 127.0.0.1:2525 tls=no>
        </smtp-listener>
        <source {auth}>
            always-allow-relaying yes
        </source>
        smtp-server-tls-certificate /etc/sluice/mta.pem
        """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let listeners = result.model.smtpListeners
        #expect(listeners.map(\.address.port) == [25, 465, 2465, 1465, 2525])
        #expect(listeners[3].address.address == IPAddress("::1"))
        #expect(listeners.map(\.implicitTLS) == [false, true, true, true, false])
        #expect(listeners[3].sourceName == "auth")
    }

    @Test("tls=yes without smtp-server-tls-certificate is an error at the listener, with a hint")
    func implicitTLSNeedsACertificate() {
        let result = load("""
        host-name mx.test
        smtp-listener 0/0:465 tls=yes
          <smtp-listener 127.0.0.1:2465>
            tls yes
          </smtp-listener>
        smtp-listener 0/0:25
        """)
        let messages = lines(result)
        #expect(messages.count == 2, "\(messages)")
        #expect(messages.first?.hasPrefix(
            "t.conf:2:1: error: smtp-listener 0.0.0.0:465 has tls=yes but there is no smtp-server-tls-certificate to present; "
            + "add smtp-server-tls-certificate FILE") == true, "\(messages)")
        #expect(messages.last?.hasPrefix("t.conf:3:3: error: smtp-listener 127.0.0.1:2465 has tls=yes") == true, "\(messages)")
        #expect(messages.allSatisfy { $0.hasSuffix("or remove tls=yes") })
        #expect(!result.errors.isEmpty)
    }

    @Test("an unknown listener option or a bad tls value is an error at the word")
    func badListenerOptions() {
        let result = load("""
        smtp-listener 0/0:465 tls=maybe
        <smtp-listener 0/0:587 starttls=yes>
        </smtp-listener>
        <smtp-listener 0/0:588>
            tls sometimes
        </smtp-listener>
        """)
        let messages = lines(result)
        #expect(messages.count == 3, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("t.conf:1:23: error: invalid value for 'smtp-listener' option tls") })
        #expect(messages.contains { $0.hasPrefix("t.conf:2:24: error: unknown option 'starttls=yes' of '<smtp-listener>'; expected tls=yes or tls=no") })
        #expect(messages.contains { $0.hasPrefix("t.conf:5:9: error: invalid value for 'tls'") })
        #expect(result.model.smtpListeners.allSatisfy { !$0.implicitTLS })
    }

    @Test("allow-starttls and require-starttls-before-auth in <source>; the latter is the inverse of allow-unencrypted-plain-auth")
    func sourceTLSSwitches() {
        let result = load("""
        <source 0/0>
            allow-starttls no
        </source>
        <source 127.0.0.1>
            allow-starttls yes
            require-starttls-before-auth no
        </source>
        <source 10.0.0.0/8>
            require-starttls-before-auth yes
        </source>
        <source 192.0.2.0/24>
        </source>
        """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let sources = result.model.sources
        #expect(sources.map(\.allowStartTLS) == [false, true, nil, nil])
        #expect(sources.map(\.allowUnencryptedPlainAuth) == [nil, true, false, nil])
        let bad = load("<source 0/0>\n    allow-starttls perhaps\n</source>\n")
        #expect(lines(bad).first?.hasPrefix("t.conf:2:20: error: invalid value for 'allow-starttls'") == true, "\(lines(bad))")
    }

    @Test("<smtp-user> takes password and source {name}; an unknown source name is reported")
    func smtpUsers() {
        let result = load("""
        <smtp-user app>
            password s3cret
            source {auth}
        </smtp-user>
        <smtp-user other>
            password x
            source {nowhere}
        </smtp-user>
        <source {auth}>
            always-allow-relaying yes
        </source>
        """)
        #expect(result.model.smtpUsers["app"]?.password == "s3cret")
        #expect(result.model.smtpUsers["app"]?.sourceName == "auth")
        #expect(lines(result).count == 1, "\(lines(result))")
        #expect(lines(result).first?.contains("nowhere") == true, "\(lines(result))")
    }
}
