import CCrypto

/// The two key types DKIM signs with.
public enum DKIMKeyType: String, Hashable, Sendable, CaseIterable {
    /// RSA with SHA-256 and PKCS#1 v1.5 padding (RFC 6376).
    case rsa
    /// Ed25519 over the SHA-256 of the signed data (RFC 8463).
    case ed25519

    /// The signature's `a=` value.
    public var algorithm: String {
        switch self {
        case .rsa: return "rsa-sha256"
        case .ed25519: return "ed25519-sha256"
        }
    }

    /// The key type for an `a=` value (`rsa-sha256`, `ed25519-sha256`), or nil.
    public init?(algorithm: String) {
        guard let type = Self.allCases.first(where: { $0.algorithm == algorithm.lowercased() }) else { return nil }
        self = type
    }
}

/// A DKIM private key read from PEM (PKCS#8, or PKCS#1 for RSA) through libcrypto.
///
/// The key is immutable once read, and each signature uses a context of its own, so one key signs
/// from many threads at once.
public final class DKIMPrivateKey: @unchecked Sendable {
    private let key: OpaquePointer
    /// A signing context set up once for this key (and SHA-256 for RSA), copied for each
    /// signature and never used itself: `EVP_DigestSignInit` fetches the algorithms by name each
    /// time, a tenth of the cost of an Ed25519 signature. Nil when it could not be set up; each
    /// signature then sets up its own.
    private let template: OpaquePointer?
    /// RSA or Ed25519.
    public let type: DKIMKeyType
    /// The modulus length of an RSA key; 256 for Ed25519.
    public let bits: Int
    /// The public key as DNS publishes it in `p=`: SubjectPublicKeyInfo DER for RSA, the raw 32
    /// bytes for Ed25519 (RFC 8463).
    public let publicKey: [UInt8]

    /// Reads a private key from PEM text.
    /// - Throws: ``DKIMError`` when the text is not a readable, unencrypted RSA or Ed25519 key.
    public convenience init(pem: [UInt8]) throws {
        // The memory BIO reads the bytes in place, so it is used only while they are lent: a
        // pointer kept past `withUnsafeBytes` is undefined behaviour, and in a release build the
        // bytes were gone by the time OpenSSL read them (every key file was "unsupported").
        let key: OpaquePointer = try pem.withUnsafeBytes { bytes in
            guard let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count)) else {
                throw DKIMError("out of memory reading the key")
            }
            defer { BIO_free(bio) }
            // A password callback that declines, so an encrypted key fails instead of prompting.
            ERR_clear_error()
            guard let key = PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil) else {
                throw DKIMError("not a PEM private key (or an encrypted one): \(Self.libcryptoError())")
            }
            return key
        }
        try self.init(taking: key)
    }

    /// Generates a new key: RSA of `bits` (1024 and up), or Ed25519 (`bits` ignored).
    public static func generate(_ type: DKIMKeyType, bits: Int = 2048) throws -> DKIMPrivateKey {
        let id = type == .rsa ? sluice_pkey_rsa() : sluice_pkey_ed25519()
        guard let context = EVP_PKEY_CTX_new_id(id, nil) else { throw DKIMError("cannot create a key context") }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw DKIMError("cannot generate: \(libcryptoError())") }
        if type == .rsa {
            guard bits >= 1024, bits <= 16384 else { throw DKIMError("RSA keys are 1024 to 16384 bits, not \(bits)") }
            guard EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)) == 1 else {
                throw DKIMError("cannot set \(bits) bits: \(libcryptoError())")
            }
        }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen(context, &key) == 1, let key else { throw DKIMError("cannot generate: \(libcryptoError())") }
        return try DKIMPrivateKey(taking: key)
    }

    /// Takes ownership of `key`, freeing it when it is not RSA or Ed25519.
    private init(taking key: OpaquePointer) throws {
        let id = EVP_PKEY_get_id(key)
        let type: DKIMKeyType
        if id == sluice_pkey_rsa() {
            type = .rsa
        } else if id == sluice_pkey_ed25519() {
            type = .ed25519
        } else {
            EVP_PKEY_free(key)
            throw DKIMError("the key is neither RSA nor Ed25519 (DKIM signs with rsa-sha256 or ed25519-sha256)")
        }
        guard let publicKey = Self.publicKey(of: key, type: type) else {
            EVP_PKEY_free(key)
            throw DKIMError("cannot derive the public key: \(Self.libcryptoError())")
        }
        self.key = key
        self.type = type
        self.bits = type == .rsa ? Int(EVP_PKEY_get_bits(key)) : 256
        self.publicKey = publicKey
        self.template = Self.initializedContext(key, type: type)
        ERR_clear_error()
    }

    deinit {
        if let template { EVP_MD_CTX_free(template) }
        EVP_PKEY_free(key)
    }

    /// A new context ready to sign with `key`, or nil.
    private static func initializedContext(_ key: OpaquePointer, type: DKIMKeyType) -> OpaquePointer? {
        guard let context = EVP_MD_CTX_new() else { return nil }
        // PKCS#1 v1.5 is the RSA default here (DKIM verifiers reject PSS); Ed25519 takes no digest.
        guard EVP_DigestSignInit(context, nil, type == .rsa ? EVP_sha256() : nil, nil, key) == 1 else {
            EVP_MD_CTX_free(context)
            return nil
        }
        return context
    }

    /// A context for one signature: a copy of the template, or set up afresh.
    private func signingContext() throws -> OpaquePointer {
        if let template, let context = EVP_MD_CTX_new() {
            if EVP_MD_CTX_copy_ex(context, template) == 1 { return context }
            EVP_MD_CTX_free(context)
            ERR_clear_error()
        }
        guard let context = Self.initializedContext(key, type: type) else {
            throw DKIMError("cannot sign: \(Self.libcryptoError())")
        }
        return context
    }

    /// The key as PKCS#8 PEM ("BEGIN PRIVATE KEY"), as `dkim keygen` writes it.
    public func pemRepresentation() throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw DKIMError("out of memory writing the key") }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil) == 1 else {
            throw DKIMError("cannot write the key: \(Self.libcryptoError())")
        }
        var data: UnsafeMutablePointer<CChar>?
        let length = sluice_bio_mem_data(bio, &data)
        guard let data, length > 0 else { throw DKIMError("cannot write the key") }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }

    /// The signature of `data` as DKIM's `b=` carries it: RSASSA-PKCS1-v1_5 with SHA-256 for RSA,
    /// Ed25519 over SHA-256(`data`) for Ed25519 (RFC 8463 §3).
    public func sign(_ data: [UInt8]) throws -> [UInt8] {
        let context = try signingContext()
        defer { EVP_MD_CTX_free(context) }
        let input = type == .rsa ? data : SHA256Hasher.digest(data)
        return try input.withUnsafeBufferPointer { buffer in
            var length = 0
            guard EVP_DigestSign(context, nil, &length, buffer.baseAddress, buffer.count) == 1 else {
                throw DKIMError("cannot sign: \(Self.libcryptoError())")
            }
            var signature = [UInt8](repeating: 0, count: length)
            guard EVP_DigestSign(context, &signature, &length, buffer.baseAddress, buffer.count) == 1 else {
                throw DKIMError("cannot sign: \(Self.libcryptoError())")
            }
            return Array(signature.prefix(length))
        }
    }

    /// The public key in the forms a DNS record may publish: for RSA, SubjectPublicKeyInfo
    /// (what `p=` should hold) and the bare PKCS#1 RSAPublicKey some tools publish.
    public var publishedForms: [[UInt8]] {
        guard type == .rsa else { return [publicKey] }
        let length = i2d_PublicKey(key, nil)
        guard length > 0 else { return [publicKey] }
        var der = [UInt8](repeating: 0, count: Int(length))
        der.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            _ = i2d_PublicKey(key, &cursor)
        }
        return [publicKey, der]
    }

    private static func publicKey(of key: OpaquePointer, type: DKIMKeyType) -> [UInt8]? {
        switch type {
        case .rsa:
            let length = i2d_PUBKEY(key, nil)
            guard length > 0 else { return nil }
            var der = [UInt8](repeating: 0, count: Int(length))
            let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
                var cursor = buffer.baseAddress
                return i2d_PUBKEY(key, &cursor)
            }
            return written == length ? der : nil
        case .ed25519:
            var raw = [UInt8](repeating: 0, count: 32)
            var length = 32
            guard EVP_PKEY_get_raw_public_key(key, &raw, &length) == 1, length == 32 else { return nil }
            return raw
        }
    }

    /// The oldest queued libcrypto error as text, the queue cleared.
    static func libcryptoError() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return "unknown libcrypto error" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
