import CCrypto

/// Incremental SHA-256 through libcrypto, fed in spans so a body is hashed without being copied.
final class SHA256Hasher {
    private let context: OpaquePointer
    /// Bytes fed so far (a DKIM body's canonical length, for `l=`).
    private(set) var count = 0

    /// SHA-256 fetched from the default provider once: given the legacy `EVP_sha256()`, OpenSSL 3
    /// fetches the implementation again (a locked lookup by name) at every digest.
    nonisolated(unsafe) static let algorithm: OpaquePointer = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256()

    /// A fresh hasher, or nil when libcrypto cannot allocate one.
    init?() {
        guard let context = EVP_MD_CTX_new() else { return nil }
        guard EVP_DigestInit_ex(context, Self.algorithm, nil) == 1 else {
            EVP_MD_CTX_free(context)
            return nil
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes`.
    func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
        count += bytes.count
    }

    /// Adds `bytes`.
    func update(_ bytes: UnsafeBufferPointer<UInt8>) { update(UnsafeRawBufferPointer(bytes)) }

    /// Adds `bytes`.
    func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// The digest of everything fed (32 bytes); the hasher is spent afterwards.
    func finish() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        return Array(digest.prefix(Int(length)))
    }

    /// SHA-256 of `bytes` in one call.
    static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        bytes.withUnsafeBytes { buffer in
            _ = EVP_Digest(buffer.baseAddress, buffer.count, &digest, &length, algorithm, nil)
        }
        return Array(digest.prefix(Int(length)))
    }
}
