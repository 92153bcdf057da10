import Foundation
import SluiceConfig
import SluiceServer
import Testing

/// smtp-server-tls-certificate, tls=yes listeners, STARTTLS per source and <smtp-user> AUTH, from a
/// configuration to a running node, with Python's smtplib and ssl as the client.
@Suite("Inbound TLS and AUTH end to end")
struct InboundTLSTests {
    /// What one smtplib session saw.
    struct Session: Decodable {
        /// EHLO keywords (lowercase) on the connection as it started (after the handshake on an
        /// implicit-TLS listener).
        var features: [String]
        /// EHLO keywords after STARTTLS, when the client asked for it.
        var featuresAfterTLS: [String]?
        /// The TLS version in use at the end (nil in plain text).
        var tls: String?
        /// The outcome of a message before AUTH: "ok" or the refusal code.
        var beforeAuth: String?
        /// The outcome of a message after AUTH.
        var afterAuth: String?
    }

    /// The client's wishes.
    struct Spec: Encodable {
        var port: Int
        var source = "127.0.0.2"
        var implicit = false
        var starttls = false
        var beforeAuth: String?
        var auth: [String]?
        var afterAuth: String?
    }

    private static let script = """
    import json, smtplib, ssl, sys
    spec = json.loads(sys.argv[1])
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    if spec['implicit']:
        s = smtplib.SMTP_SSL('127.0.0.1', spec['port'], source_address=(spec['source'], 0), timeout=30, context=context)
    else:
        s = smtplib.SMTP('127.0.0.1', spec['port'], source_address=(spec['source'], 0), timeout=30)
    out = {}
    s.ehlo('client.test')
    out['features'] = sorted(s.esmtp_features.keys())
    if spec['starttls']:
        s.starttls(context=context)
        s.ehlo('client.test')
        out['featuresAfterTLS'] = sorted(s.esmtp_features.keys())
    out['tls'] = s.sock.version() if isinstance(s.sock, ssl.SSLSocket) else None
    def send(to):
        try:
            s.sendmail('app@origin.test', [to], 'Subject: tls\\r\\n\\r\\nhello\\r\\n')
            return 'ok'
        except smtplib.SMTPRecipientsRefused as e:
            return str(e.recipients[to][0])
        except smtplib.SMTPResponseException as e:
            return str(e.smtp_code)
    if spec.get('beforeAuth'):
        out['beforeAuth'] = send(spec['beforeAuth'])
    if spec.get('auth'):
        s.login(*spec['auth'])
        out['afterAuth'] = send(spec['afterAuth'])
    s.quit()
    print(json.dumps(out))
    """

    /// Runs one smtplib session.
    static func session(_ spec: Spec) async throws -> Session {
        let json = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        let output = try await runPythonScript(script, argument: json, what: "smtplib")
        return try JSONDecoder().decode(Session.self, from: output)
    }

    /// The test configuration with a certificate, a user whose source relays, and `extra`.
    static func configuration(spool: String, sinkPort: Int, certificate: String, extra: String) -> String {
        testConfiguration(spool: spool, routes: [("foreign.test", sinkPort)]) + """
        smtp-server-tls-certificate \(certificate)
        <source {auth}>
            always-allow-relaying yes
        </source>
        <smtp-user app>
            password s3cret
            source {auth}
        </smtp-user>
        \(extra)
        """
    }

    @Test("a tls=yes listener from the configuration: handshake first, EHLO without STARTTLS, AUTH as a user whose source relays",
          Peers.smtpSink, Peers.python3, Peers.openssl)
    func implicitTLSListener() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let sink = try await SinkProcess(port: try freePort(), directory: dir)
        defer { sink.stop() }
        try await TestCertificate.with { certificate in
            let port = try freePort()
            let config = try loadConfiguration(Self.configuration(
                spool: "\(dir)/spool", sinkPort: sink.port, certificate: certificate.combinedPath,
                extra: "smtp-listener 127.0.0.1:\(port) tls=yes\n"))
            #expect(config.smtpListeners.map(\.implicitTLS) == [true])
            var options = testOptions(directory: dir)
            options.smtpListeners = nil  // the configuration's listeners
            let node = try await MailNode.start(configuration: config, options: options)
            do {
                #expect(await node.smtpPorts == [port])
                let session = try await Self.session(Spec(port: port, implicit: true, beforeAuth: "x@foreign.test",
                                                          auth: ["app", "s3cret"], afterAuth: "y@foreign.test"))
                #expect(session.tls?.hasPrefix("TLSv1.") == true, "\(session)")
                #expect(!session.features.contains("starttls"))
                #expect(session.features.contains("auth"))
                #expect(session.beforeAuth == "550")
                #expect(session.afterAuth == "ok")
                try await waitUntil("the relayed message at the sink") { sink.messages >= 1 }
                #expect(sink.messages == 1)
            } catch {
                await node.shutdown()
                throw error
            }
            await node.shutdown()
        }
    }

    @Test("with a certificate a plain listener offers STARTTLS, then AUTH; not to a source with allow-starttls no",
          Peers.python3, Peers.openssl)
    func startTLSFromTheConfiguration() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try await TestCertificate.with { certificate in
            let config = try loadConfiguration(Self.configuration(
                spool: "\(dir)/spool", sinkPort: try freePort(), certificate: certificate.combinedPath,
                extra: "<source 127.0.0.3>\n    allow-starttls no\n</source>\n"))
            try await withNode(config, directory: dir) { node, _ in
                let port = try #require(await node.smtpPorts.first)
                let secured = try await Self.session(Spec(port: port, starttls: true))
                #expect(secured.features.contains("starttls"))
                #expect(!secured.features.contains("auth"))
                #expect(secured.featuresAfterTLS?.contains("auth") == true)
                #expect(secured.featuresAfterTLS?.contains("starttls") == false)
                #expect(secured.tls?.hasPrefix("TLSv1.") == true)
                let refused = try await Self.session(Spec(port: port, source: "127.0.0.3"))
                #expect(!refused.features.contains("starttls"))
                #expect(!refused.features.contains("auth"))
                #expect(refused.tls == nil)
            }
        }
    }

    @Test("an unreadable certificate file stops the start with an error naming the file and the directive's line",
          Peers.openssl)
    func missingCertificateFile() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let missing = "\(dir)/no-such.pem"
        let config = try loadConfiguration("spool \(dir)/spool\nsmtp-server-tls-certificate \(missing)\n")
        do {
            let node = try await MailNode.start(configuration: config, options: testOptions(directory: dir))
            await node.shutdown()
            Issue.record("the node started without its certificate")
        } catch let error as NodeStartError {
            #expect(error.description.contains("test.conf:2:1"), "\(error)")
            #expect(error.description.contains("\(missing): cannot read the file: it does not exist"), "\(error)")
        }
        // A file without a private key is refused too, naming what is missing.
        let certOnly = "\(dir)/cert-only.pem"
        try await TestCertificate.with { certificate in
            try FileManager.default.copyItem(atPath: certificate.certificatePath, toPath: certOnly)
        }
        let second = try loadConfiguration("spool \(dir)/spool\nsmtp-server-tls-certificate \(certOnly)\n")
        do {
            let node = try await MailNode.start(configuration: second, options: testOptions(directory: dir))
            await node.shutdown()
            Issue.record("the node started with a certificate but no key")
        } catch let error as NodeStartError {
            #expect(error.description.contains("\(certOnly): it holds no private key"), "\(error)")
        }
    }
}
