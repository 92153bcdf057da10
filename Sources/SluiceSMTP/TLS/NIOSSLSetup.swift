import NIOCore
import NIOSSL

extension SMTPServerTLS {
    /// STARTTLS with a certificate chain and private key read from PEM files (the listener's
    /// configured certificate).
    ///
    /// - Throws: The TLS library's error when a file cannot be read or the key does not fit.
    public static func pemFiles(certificateChain: String, privateKey: String) throws -> SMTPServerTLS {
        let chain = try NIOSSLCertificate.fromPEMFile(certificateChain).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: privateKey, format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        let context = try NIOSSLContext(configuration: configuration)
        return SMTPServerTLS { channel in
            // Installed at once when on the loop, before the client's ClientHello can be read.
            TLSHandshakeWatcher.onLoop(channel) {
                TLSHandshakeWatcher.install(NIOSSLServerHandler(context: context), on: channel)
            }
        }
    }
}

extension SMTPClientTLS {
    /// STARTTLS for delivery. MTAs commonly deliver over TLS without checking the peer's
    /// certificate (an unverified encrypted session is better than plain text, RFC 7435);
    /// `verifyPeer` asks for full verification against the system's trust roots and the host name.
    ///
    /// - Throws: The TLS library's error when the context cannot be created.
    public static func standard(verifyPeer: Bool = false) throws -> SMTPClientTLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = verifyPeer ? .fullVerification : .none
        let context = try NIOSSLContext(configuration: configuration)
        return SMTPClientTLS { channel, serverName in
            TLSHandshakeWatcher.onLoop(channel) {
                do {
                    // SNI takes host names only, never address literals.
                    let name = IPAddressText.isAddress(serverName) ? nil : serverName
                    let handler = try NIOSSLClientHandler(context: context, serverHostname: name)
                    return TLSHandshakeWatcher.install(handler, on: channel)
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        }
    }
}

/// Whether a string is an IP address (for SNI, which must not carry one).
enum IPAddressText {
    static func isAddress(_ text: String) -> Bool {
        (try? SocketAddress(ipAddress: text, port: 0)) != nil
    }
}
