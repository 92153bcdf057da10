import Foundation
import Synchronization
import Testing
@testable import SluiceDKIM

@Suite struct DKIMKeyTests {
    /// Each signature copies the key's signing context set up once: copies made on several
    /// threads at once give the same (deterministic) signatures as one thread alone.
    @Test func oneKeySignsFromManyThreadsAtOnce() throws {
        for type in DKIMKeyType.allCases {
            let key = try DKIMPrivateKey.generate(type, bits: 2048)
            let data = Array("from:a@example.com\r\ndkim-signature:v=1; b=".utf8)
            let expected = try key.sign(data)
            #expect(try key.sign(data) == expected)
            let mismatches = Mutex(0)
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                for _ in 0..<(type == .rsa ? 20 : 200) where (try? key.sign(data)) != expected {
                    mismatches.withLock { $0 += 1 }
                }
            }
            #expect(mismatches.withLock { $0 } == 0, "\(type)")
        }
    }

    @Test func generatedKeysRoundTripThroughPEM() throws {
        for type in DKIMKeyType.allCases {
            let key = try DKIMPrivateKey.generate(type, bits: 2048)
            let pem = try key.pemRepresentation()
            #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
            let again = try DKIMPrivateKey(pem: Array(pem.utf8))
            #expect(again.type == type)
            #expect(again.publicKey == key.publicKey)
            #expect(again.bits == (type == .rsa ? 2048 : 256))
        }
    }

    @Test(Peers.openssl) func readsKeysOpenSSLWrites() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dkim-keys-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases: [(arguments: [String], type: DKIMKeyType)] = [
            (["genpkey", "-algorithm", "ed25519"], .ed25519),
            (["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], .rsa),
            (["genrsa", "-traditional", "-out", "OUT", "1024"], .rsa),  // PKCS#1 "BEGIN RSA PRIVATE KEY"
        ]
        for (index, item) in cases.enumerated() {
            let path = directory.appendingPathComponent("\(index).pem").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = item.arguments.contains("OUT")
                ? item.arguments.map { $0 == "OUT" ? path : $0 } : item.arguments + ["-out", path]
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            let pem = try String(contentsOfFile: path, encoding: .utf8)
            let key = try DKIMPrivateKey(pem: Array(pem.utf8))
            #expect(key.type == item.type)
            #expect(pem.contains(item.arguments[0] == "genrsa" ? "BEGIN RSA PRIVATE KEY" : "BEGIN PRIVATE KEY"))
        }
    }

    @Test func refusesWhatIsNotAKey() {
        #expect(throws: DKIMError.self) { try DKIMPrivateKey(pem: Array("not a key".utf8)) }
        #expect(throws: DKIMError.self) {
            try DKIMPrivateKey(pem: Array("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".utf8))
        }
    }

    @Test func refusesTooSmallRSAGeneration() {
        #expect(throws: DKIMError.self) { try DKIMPrivateKey.generate(.rsa, bits: 512) }
    }

    @Test func keyRecordRoundTripsAndMatchesItsKey() throws {
        let key = try DKIMPrivateKey.generate(.ed25519)
        let other = try DKIMPrivateKey.generate(.ed25519)
        let record = DKIMKeyRecord(publishing: key)
        #expect(record.text.hasPrefix("v=DKIM1; k=ed25519; p="))
        let parsed = try DKIMKeyRecord(parsing: record.text)
        #expect(parsed.matches(key))
        #expect(!parsed.matches(other))
        #expect(try !DKIMKeyRecord(parsing: "v=DKIM1; k=ed25519; p=").matches(key))  // revoked
        #expect(throws: DKIMError.self) { try DKIMKeyRecord(parsing: "v=spf1 -all") }
    }

    @Test func rsaRecordMatchesEitherPublishedForm() throws {
        let key = try DKIMPrivateKey.generate(.rsa, bits: 1024)
        let forms = key.publishedForms
        #expect(forms.count == 2)
        for form in forms {
            let record = try DKIMKeyRecord(parsing: "k=rsa; p=" + Data(form).base64EncodedString())
            #expect(record.matches(key))
        }
    }

    @Test func longRecordsSplitIntoTXTStrings() throws {
        let key = try DKIMPrivateKey.generate(.rsa, bits: 2048)
        let line = DKIMKeyRecord(publishing: key).zoneFileLine(name: "s1._domainkey.example.com")
        #expect(line.hasPrefix("s1._domainkey.example.com. IN TXT ( \""))
        let strings = line.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        #expect(strings.count == 2)
        #expect(strings.allSatisfy { $0.utf8.count <= 255 })
        #expect(strings.joined() == DKIMKeyRecord(publishing: key).text)
    }

    @Test func fingerprintIsTheSHA256OfThePublishedBytes() throws {
        // Python: base64.b64encode(hashlib.sha256(b"abc").digest()), padding dropped.
        #expect(try DKIMKeyRecord(parsing: "v=DKIM1; p=YWJj").fingerprint == "SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0")
        #expect(try DKIMKeyRecord(parsing: "v=DKIM1; p=").fingerprint == "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU")
        let key = try DKIMPrivateKey.generate(.ed25519)
        #expect(DKIMKeyRecord(publishing: key).fingerprint != DKIMKeyRecord(publishing: try DKIMPrivateKey.generate(.ed25519)).fingerprint)
    }
}
