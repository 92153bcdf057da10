import Foundation
import Testing
@testable import SluiceSMTP

/// `smtp-server-tls-certificate`'s one PEM file: chain and key together, an encrypted key with
/// its passphrase, and one-line errors for files that cannot be used.
@Suite struct ServerCertificateFileTests {
    /// Writes `parts` joined into `name` next to the certificate.
    private static func write(_ name: String, _ parts: [String], near certificate: TestCertificate) throws -> String {
        let path = URL(fileURLWithPath: certificate.certificatePath).deletingLastPathComponent().appendingPathComponent(name).path
        try parts.map { try String(contentsOfFile: $0, encoding: .utf8) }.joined().write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private static func reason(_ path: String, passphrase: String? = nil) -> String? {
        do {
            _ = try SMTPServerTLS.pemFile(path, passphrase: passphrase)
            return nil
        } catch {
            return error.description
        }
    }

    @Test(Peers.python3, Peers.openssl) func combinedFileServesStartTLS() async throws {
        try await TestCertificate.with { certificate in
            // Key first, then the certificate: the order in the file does not matter.
            let path = try Self.write("mta.pem", [certificate.keyPath, certificate.certificatePath], near: certificate)
            let tls = try SMTPServerTLS.pemFile(path)
            try await TestServer.with(configuration: SMTPServerConfiguration(hostName: "mx.sluice.test"), tls: tls) { server in
                let result = try await PythonClient.send(port: server.port, from: "a@sender.test", to: ["x@foreign.test"],
                                                         body: "Subject: t\r\n\r\nhi\r\n", extra: ["starttls": true])
                #expect(result["result"] as? String == "ok")
            }
        }
    }

    @Test(Peers.openssl) func encryptedKeyNeedsItsPassphrase() async throws {
        try await TestCertificate.with { certificate in
            let directory = URL(fileURLWithPath: certificate.keyPath).deletingLastPathComponent().path
            let encryptedKey = "\(directory)/key-enc.pem"
            let output = try await ChildProcess.run("/usr/bin/openssl", [
                "pkey", "-in", certificate.keyPath, "-aes256", "-passout", "pass:open sesame", "-out", encryptedKey,
            ])
            #expect(output.status == 0)
            let path = try Self.write("mta.pem", [certificate.certificatePath, encryptedKey], near: certificate)
            #expect(Self.reason(path)?.hasPrefix("\(path): its private key is encrypted: give the passphrase") == true)
            #expect(Self.reason(path, passphrase: "wrong") == "\(path): its private key cannot be decrypted with the passphrase given")
            #expect(Self.reason(path, passphrase: "open sesame") == nil)
        }
    }

    @Test(Peers.openssl) func unusableFilesAreOneLineErrorsNamingTheFile() async throws {
        try await TestCertificate.with { certificate in
            let directory = URL(fileURLWithPath: certificate.keyPath).deletingLastPathComponent().path
            #expect(Self.reason("\(directory)/missing.pem") == "\(directory)/missing.pem: cannot read the file: it does not exist")
            #expect(Self.reason(directory) == "\(directory): it is a directory, not a PEM file")
            #expect(Self.reason(certificate.certificatePath)?.hasPrefix("\(certificate.certificatePath): it holds no private key") == true)
            #expect(Self.reason(certificate.keyPath)?.hasPrefix("\(certificate.keyPath): it holds no certificate") == true)
            // Another certificate's key does not belong to this one.
            try await TestCertificate.with { other in
                let mismatched = try Self.write("mismatch.pem", [certificate.certificatePath, other.keyPath], near: certificate)
                #expect(Self.reason(mismatched)?.hasPrefix("\(mismatched): its private key does not belong to its first certificate") == true)
            }
        }
    }

    @Test func pemBlocksSkipTextOutsideThemAndUnterminatedOnes() {
        let text = "Bag Attributes\r\n-----BEGIN CERTIFICATE-----\r\nQUJD\r\n-----END CERTIFICATE-----\r\n"
            + "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nREVG\n-----END RSA PRIVATE KEY-----\n"
            + "-----BEGIN CERTIFICATE-----\nno end\n"
        let blocks = PEMBlock.all(in: text)
        #expect(blocks.map(\.label) == ["CERTIFICATE", "RSA PRIVATE KEY"])
        #expect(blocks.first?.text == "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n")
        #expect(blocks.map(\.isEncrypted) == [false, true])
    }
}
