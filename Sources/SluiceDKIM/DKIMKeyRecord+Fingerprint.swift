import Foundation

extension DKIMKeyRecord {
    /// A short name for the published key, for telling two keys apart on a terminal:
    /// `SHA256:` and the unpadded base64 of the SHA-256 of the `p=` bytes (OpenSSH's style).
    /// Empty `p=` (a revoked record) gives `SHA256:` of nothing; compare ``publicKey`` to tell.
    public var fingerprint: String {
        let digest = Data(SHA256Hasher.digest(publicKey)).base64EncodedString()
        return "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
    }
}
