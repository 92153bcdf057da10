import SluiceDKIM

/// What `sluice dkim keygen` will do, decided before any key is made: the key type and size
/// (RSA 2048 by default; under 1024 refused, 1024 warned), where the key goes, and the warnings
/// to print.
public struct DKIMKeygenPlan: Sendable {
    /// The RSA modulus length when none is asked for (RFC 8301 requires at least 1024; 2048 is
    /// what mailbox providers recommend).
    public static let defaultRSABits = 2048
    /// The smallest RSA key generated (RFC 8301 §3.2: verifiers must not accept smaller ones).
    public static let minimumRSABits = 1024
    /// The largest RSA key verifiers must handle (RFC 8301 §3.2); larger ones are warned about.
    public static let largestVerifiedRSABits = 4096

    /// Where the record goes.
    public let record: DKIMRecordName
    /// RSA or Ed25519.
    public let type: DKIMKeyType
    /// The RSA modulus length; 256 for Ed25519.
    public let bits: Int
    /// The key file to write.
    public let path: String
    /// Things the operator should know, one line each (e.g. about a 1024-bit key).
    public let warnings: [String]

    /// Decides the plan.
    /// - Parameters:
    ///   - bits: the RSA key size asked for, or nil for the default; must be nil for Ed25519.
    ///   - path: the key file, or nil for ``DKIMRecordName/defaultKeyFileName`` in the current directory.
    /// - Throws: ``DKIMError`` for a size that is refused or that does not apply.
    public init(record: DKIMRecordName, type: DKIMKeyType, bits: Int?, path: String?) throws(DKIMError) {
        var warnings: [String] = []
        switch type {
        case .ed25519:
            if let bits, bits != 256 { throw DKIMError("--bits applies to RSA keys only (an Ed25519 key is always 256 bits), not \(bits)") }
            self.bits = 256
            warnings.append("not every receiver verifies ed25519-sha256 (RFC 8463) signatures: sign with an RSA key as well")
        case .rsa:
            let bits = bits ?? Self.defaultRSABits
            guard bits >= Self.minimumRSABits else {
                throw DKIMError("RSA keys under \(Self.minimumRSABits) bits are refused (RFC 8301: receivers ignore them), "
                                + "not \(bits); \(Self.defaultRSABits) is recommended")
            }
            guard bits <= 16384 else { throw DKIMError("RSA keys are at most 16384 bits, not \(bits)") }
            if bits < Self.defaultRSABits {
                warnings.append("\(bits)-bit RSA keys are weak and some receivers reject them; \(Self.defaultRSABits) is recommended")
            } else if bits > Self.largestVerifiedRSABits {
                warnings.append("receivers need only verify RSA keys up to \(Self.largestVerifiedRSABits) bits (RFC 8301), "
                                + "and the record will not fit a 512-byte DNS answer: some will fail \(bits)-bit signatures")
            }
            self.bits = bits
        }
        self.record = record
        self.type = type
        self.path = path ?? record.defaultKeyFileName
        self.warnings = warnings
    }

    /// Generates the key.
    public func generate() throws -> DKIMPrivateKey { try DKIMPrivateKey.generate(type, bits: bits) }
}
