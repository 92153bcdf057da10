import Foundation
import SluiceDKIM
import Testing
@testable import SluiceDKIMTools

/// Selector names, the keygen plan's size policy and the 0600 key file.
@Suite struct DKIMKeygenTests {
    @Test func recordNamesAreCheckedAndNormalised() throws {
        let name = try DKIMRecordName(selector: "S2026", domain: "Example.COM.")
        #expect(name.name == "s2026._domainkey.example.com")
        #expect(name.defaultKeyFileName == "s2026._domainkey.example.com.pem")
        for (selector, domain) in [("", "example.com"), ("s1", ""), ("../x", "example.com"), ("s1", "a/b.com"),
                                   ("s 1", "example.com"), ("-s", "example.com"), ("s1", "example..com"),
                                   (String(repeating: "a", count: 64), "example.com")] {
            #expect(throws: DKIMError.self, "\(selector) \(domain)") { try DKIMRecordName(selector: selector, domain: domain) }
        }
    }

    @Test func sizesAreRefusedWarnedOrAccepted() throws {
        let name = try DKIMRecordName(selector: "s1", domain: "example.test")
        let standard = try DKIMKeygenPlan(record: name, type: .rsa, bits: nil, path: nil)
        #expect(standard.bits == 2048)
        #expect(standard.warnings.isEmpty)
        #expect(standard.path == "s1._domainkey.example.test.pem")
        let weak = try DKIMKeygenPlan(record: name, type: .rsa, bits: 1024, path: "/tmp/k.pem")
        #expect(weak.warnings.count == 1 && weak.warnings[0].contains("1024-bit RSA keys are weak"))
        #expect(weak.path == "/tmp/k.pem")
        #expect(try DKIMKeygenPlan(record: name, type: .rsa, bits: 8192, path: nil).warnings.first?.contains("4096") == true)
        #expect(throws: DKIMError.self) { try DKIMKeygenPlan(record: name, type: .rsa, bits: 768, path: nil) }
        #expect(throws: DKIMError.self) { try DKIMKeygenPlan(record: name, type: .ed25519, bits: 2048, path: nil) }
        let ed = try DKIMKeygenPlan(record: name, type: .ed25519, bits: nil, path: nil)
        #expect(ed.bits == 256)
        #expect(ed.warnings.first?.contains("sign with an RSA key as well") == true)
        #expect(try ed.generate().type == .ed25519)
    }

    @Test func keyFilesAreWrittenMode0600AndNeverOverwrittenUnlessAsked() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let path = directory + "/s1.pem"
        let key = try DKIMPrivateKey.generate(.ed25519)
        try DKIMKeyFile.write(try key.pemRepresentation(), to: path, overwrite: false)
        #expect(try mode(of: path) == 0o600)
        #expect(try DKIMKeyFile.read(path).publicKey == key.publicKey)
        #expect(DKIMKeyFile.exposure(of: path) == nil)

        let other = try DKIMPrivateKey.generate(.ed25519)
        #expect(throws: DKIMError("\(path) already exists; --force replaces it")) {
            try DKIMKeyFile.write(try other.pemRepresentation(), to: path, overwrite: false)
        }
        #expect(try DKIMKeyFile.read(path).publicKey == key.publicKey, "the refused write left the key alone")

        // An existing world-readable file is replaced by a 0600 one, not rewritten in place.
        #expect(chmod(path, 0o644) == 0)
        #expect(DKIMKeyFile.exposure(of: path)?.contains("mode 644") == true)
        try DKIMKeyFile.write(try other.pemRepresentation(), to: path, overwrite: true)
        #expect(try mode(of: path) == 0o600)
        #expect(try DKIMKeyFile.read(path).publicKey == other.publicKey)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["s1.pem"], "no temporary file left")
    }

    @Test func unreadableOrBogusKeyFilesSayWhy() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        #expect(throws: DKIMError("cannot read \(directory)/missing.pem: No such file or directory")) {
            try DKIMKeyFile.read(directory + "/missing.pem")
        }
        try "not a key\n".write(toFile: directory + "/bogus.pem", atomically: true, encoding: .utf8)
        do {
            _ = try DKIMKeyFile.read(directory + "/bogus.pem")
            Issue.record("a bogus key was read")
        } catch {
            #expect(error.message.hasPrefix("\(directory)/bogus.pem: not a PEM private key"), "\(error)")
        }
        #expect(throws: DKIMError.self) {
            try DKIMKeyFile.write("x", to: directory + "/no/such/dir/k.pem", overwrite: false)
        }
    }
}
