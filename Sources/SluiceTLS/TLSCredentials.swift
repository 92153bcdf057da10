import CSSL

/// An X.509 certificate read from PEM text.
public final class TLSCertificate: @unchecked Sendable {
    // X509*; immutable once read, and OpenSSL reference-counts it when a context takes it.
    let pointer: OpaquePointer

    /// Reads the first certificate of `pem`.
    ///
    /// - Throws: ``TLSError`` when `pem` holds no readable certificate.
    public init(pem: [UInt8]) throws(TLSError) {
        guard let certificate = readPEM(pem, { PEM_read_bio_X509($0, nil, nil, nil) }) else {
            throw TLSError.fromQueue("the certificate cannot be read")
        }
        pointer = certificate
    }

    deinit { X509_free(pointer) }
}

/// A private key (RSA, EC or Ed25519) read from PEM text.
public final class TLSPrivateKey: @unchecked Sendable {
    // EVP_PKEY*; immutable once read, and reference-counted by OpenSSL.
    let pointer: OpaquePointer

    /// Reads the first private key of `pem`, decrypting it with `passphrase` when it is encrypted.
    /// Never prompts on the terminal.
    ///
    /// - Throws: ``TLSError`` when `pem` holds no readable key or the passphrase does not open it.
    public init(pem: [UInt8], passphrase: String? = nil) throws(TLSError) {
        let key = readPEM(pem) { bio in
            guard let passphrase else { return sluice_read_private_key(bio, nil) }
            return passphrase.withCString { sluice_read_private_key(bio, $0) }
        }
        guard let key else { throw TLSError.fromQueue("the private key cannot be read") }
        pointer = key
    }

    deinit { EVP_PKEY_free(pointer) }
}

/// Runs `read` on a memory BIO over `pem`, inside the borrow of its bytes (OpenSSL reads them
/// there, never after), with this thread's error queue cleared first.
private func readPEM(_ pem: [UInt8], _ read: (OpaquePointer) -> OpaquePointer?) -> OpaquePointer? {
    ERR_clear_error()
    return pem.withUnsafeBytes { bytes -> OpaquePointer? in
        guard let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count)) else { return nil }
        defer { BIO_free(bio) }
        return read(bio)
    }
}
