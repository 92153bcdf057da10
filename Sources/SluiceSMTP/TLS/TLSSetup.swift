import Foundation
import NIOCore
import SluiceTLS

extension SMTPServerTLS {
    /// STARTTLS with a certificate chain and private key read from PEM files (the listener's
    /// configured certificate).
    ///
    /// - Throws: ``TLSError`` when a file cannot be read or the key does not fit.
    public static func pemFiles(certificateChain: String, privateKey: String) throws -> SMTPServerTLS {
        let chainText = try Data(contentsOf: URL(fileURLWithPath: certificateChain))
        let chain = try PEMBlock.all(in: String(decoding: chainText, as: UTF8.self))
            .filter { $0.label == "CERTIFICATE" }
            .map { try TLSCertificate(pem: Array($0.text.utf8)) }
        let key = try TLSPrivateKey(pem: Array(try Data(contentsOf: URL(fileURLWithPath: privateKey))))
        return server(try TLSContext.server(certificateChain: chain, privateKey: key))
    }

    /// STARTTLS (and implicit TLS) with the sessions of `context`.
    static func server(_ context: TLSContext) -> SMTPServerTLS {
        SMTPServerTLS { channel in
            TLSHandshakeWatcher.start(on: channel) { try TLSHandler(context: context) }
        }
    }
}

extension SMTPClientTLS {
    /// STARTTLS for delivery. MTAs commonly deliver over TLS without checking the peer's
    /// certificate (an unverified encrypted session is better than plain text, RFC 7435);
    /// `verifyPeer` asks for full verification against the system's trust roots and the host name.
    ///
    /// - Throws: ``TLSError`` when the context cannot be created.
    public static func standard(verifyPeer: Bool = false) throws -> SMTPClientTLS {
        let context = try TLSContext.client(verifyPeer: verifyPeer)
        return SMTPClientTLS { channel, serverName in
            TLSHandshakeWatcher.start(on: channel) { try TLSHandler(context: context, serverName: serverName) }
        }
    }
}
