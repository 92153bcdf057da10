import CSSL

/// The settings TLS sessions are made from: a server's certificate chain and key, or a client's
/// verification policy. One context serves every connection of a listener or of the delivery
/// client; ``TLSHandler`` makes a session from it per connection.
public final class TLSContext: @unchecked Sendable {
    /// Which end of the handshake the context's sessions take.
    public enum Role: Sendable, Equatable {
        /// Answers handshakes (an SMTP server after STARTTLS, or on an implicit-TLS port).
        case server
        /// Starts handshakes; `verifyPeer` checks the peer's chain against the system's trust
        /// roots and its name.
        case client(verifyPeer: Bool)
    }

    /// The sessions' role.
    public let role: Role
    // SSL_CTX*: configured here, then only read (SSL_new is thread-safe on a configured context).
    let pointer: OpaquePointer

    private init(role: Role, method: OpaquePointer?) throws(TLSError) {
        ERR_clear_error()
        guard let context = SSL_CTX_new(method) else { throw TLSError.fromQueue("a TLS context cannot be created") }
        self.role = role
        pointer = context
        _ = sluice_ssl_ctx_set_modes(context)
    }

    deinit { SSL_CTX_free(pointer) }

    /// A server context presenting `certificateChain` (the server's certificate first, then its
    /// intermediates) with `privateKey`. Protocol versions and ciphers follow the system's
    /// OpenSSL policy (`/etc/ssl/openssl.cnf`).
    ///
    /// - Throws: ``TLSError`` when the chain is empty or the key does not belong to the first
    ///   certificate.
    public static func server(certificateChain: [TLSCertificate], privateKey: TLSPrivateKey) throws(TLSError) -> TLSContext {
        guard let leaf = certificateChain.first else { throw TLSError("no certificate was given") }
        let context = try TLSContext(role: .server, method: TLS_server_method())
        ERR_clear_error()
        guard SSL_CTX_use_certificate(context.pointer, leaf.pointer) == 1 else {
            throw TLSError.fromQueue("the certificate was refused")
        }
        for intermediate in certificateChain.dropFirst() where sluice_ssl_ctx_add_chain_certificate(context.pointer, intermediate.pointer) != 1 {
            throw TLSError.fromQueue("an intermediate certificate was refused")
        }
        guard SSL_CTX_use_PrivateKey(context.pointer, privateKey.pointer) == 1,
              SSL_CTX_check_private_key(context.pointer) == 1 else {
            throw TLSError.fromQueue("the private key does not belong to the certificate")
        }
        return context
    }

    /// A client context. MTAs commonly deliver over TLS without checking the peer's certificate
    /// (an unverified encrypted session is better than plain text, RFC 7435); `verifyPeer` asks
    /// for verification against the system's trust roots and the server's name.
    ///
    /// - Throws: ``TLSError`` when OpenSSL cannot create the context.
    public static func client(verifyPeer: Bool) throws(TLSError) -> TLSContext {
        let context = try TLSContext(role: .client(verifyPeer: verifyPeer), method: TLS_client_method())
        if verifyPeer {
            SSL_CTX_set_verify(context.pointer, SSL_VERIFY_PEER, nil)
            guard SSL_CTX_set_default_verify_paths(context.pointer) == 1 else {
                throw TLSError.fromQueue("the system's trust roots cannot be loaded")
            }
        } else {
            SSL_CTX_set_verify(context.pointer, SSL_VERIFY_NONE, nil)
        }
        return context
    }
}
