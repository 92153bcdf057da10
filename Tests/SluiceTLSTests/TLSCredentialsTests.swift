import Testing
@testable import SluiceTLS

/// Certificates and keys from PEM, and the server context's checks on them.
@Suite struct TLSCredentialsTests {
    @Test func anEncryptedKeyOpensOnlyWithItsPassphrase() throws {
        let pem = Array(TestCredentials.encryptedKey.utf8)
        #expect(throws: TLSError.self) { try TLSPrivateKey(pem: pem) }
        #expect(throws: TLSError.self) { try TLSPrivateKey(pem: pem, passphrase: "wrong") }
        #expect(throws: TLSError.self) { try TLSPrivateKey(pem: pem, passphrase: "") }
        let key = try TLSPrivateKey(pem: pem, passphrase: "open-sesame")
        let certificate = try TLSCertificate(pem: Array(TestCredentials.certificate.utf8))
        _ = try TLSContext.server(certificateChain: [certificate], privateKey: key)
    }

    @Test func aKeyOfAnotherCertificateIsRefused() throws {
        let certificate = try TLSCertificate(pem: Array(TestCredentials.certificate.utf8))
        let other = try TLSPrivateKey(pem: Array(TestCredentials.otherKey.utf8))
        let error = try #require(throws: TLSError.self) {
            try TLSContext.server(certificateChain: [certificate], privateKey: other)
        }
        #expect(error.what == "the private key does not belong to the certificate")
        #expect(error.description.contains("key values mismatch"))
    }

    @Test func textThatIsNotPEMIsRefusedWithTheReason() throws {
        let error = try #require(throws: TLSError.self) { try TLSCertificate(pem: Array("not a certificate".utf8)) }
        #expect(error.what == "the certificate cannot be read")
        #expect(!error.reasons.isEmpty)
        #expect(throws: TLSError.self) { try TLSPrivateKey(pem: Array(TestCredentials.certificate.utf8)) }
        let key = try TLSPrivateKey(pem: Array(TestCredentials.key.utf8))
        #expect(throws: TLSError("no certificate was given")) { try TLSContext.server(certificateChain: [], privateKey: key) }
    }
}
