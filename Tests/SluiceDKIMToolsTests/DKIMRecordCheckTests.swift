import Foundation
import SluiceDKIM
import SluiceDNS
import Testing
@testable import SluiceDKIMTools

/// Every verdict of the published-record check, from lookup results built by hand.
@Suite struct DKIMRecordCheckTests {
    static func check(_ key: DKIMPrivateKey) throws -> DKIMRecordCheck {
        DKIMRecordCheck(name: try DKIMRecordName(selector: "s1", domain: "example.test"), key: key)
    }

    @Test func theKeysOwnRecordMatches() throws {
        for type in DKIMKeyType.allCases {
            let key = try DKIMPrivateKey.generate(type)
            let record = DKIMKeyRecord(publishing: key)
            let verdict = try Self.check(key).verdict(for: .records([record.text]))
            #expect(verdict == .matches(record), "\(type)")
            #expect(verdict.passed)
            let line = try Self.check(key).report(verdict, keyLabel: "k.pem")
            #expect(line.hasPrefix("s1._domainkey.example.test publishes the key in k.pem ("), "\(line)")
            #expect(line.contains(record.fingerprint))
        }
    }

    @Test func aRecordWithTestingFlagAndExtraTagsStillMatches() throws {
        let key = try DKIMPrivateKey.generate(.ed25519)
        let p = Data(key.publicKey).base64EncodedString()
        let check = try Self.check(key)
        let verdict = check.verdict(for: .records(["v=DKIM1; h=sha1:sha256; s=email; t=y; k=ed25519; p=\(p)"]))
        guard case .matches = verdict else { Issue.record("\(verdict)"); return }
        #expect(check.report(verdict, keyLabel: "k.pem").hasSuffix("t=y: receivers may treat failures as a test"))
    }

    @Test func anRSAKeyPublishedAsBarePKCS1Matches() throws {
        let key = try DKIMPrivateKey.generate(.rsa, bits: 1024)
        let pkcs1 = try #require(key.publishedForms.last)
        #expect(pkcs1 != key.publicKey)
        let verdict = try Self.check(key).verdict(for: .records(["v=DKIM1; p=\(Data(pkcs1).base64EncodedString())"]))
        #expect(verdict.passed, "\(verdict)")
    }

    @Test func anotherKeyOrTypeDiffers() throws {
        let key = try DKIMPrivateKey.generate(.ed25519)
        let other = try DKIMPrivateKey.generate(.ed25519)
        let rsa = try DKIMPrivateKey.generate(.rsa, bits: 1024)
        for published in [DKIMKeyRecord(publishing: other), DKIMKeyRecord(publishing: rsa)] {
            let verdict = try Self.check(key).verdict(for: .records([published.text]))
            #expect(verdict == .differs(published: published))
            #expect(!verdict.passed)
            let line = try Self.check(key).report(verdict, keyLabel: "k.pem")
            #expect(line.contains("published k=\(published.keyType) \(published.fingerprint)"), "\(line)")
            #expect(line.contains("key file k.pem (ed25519, \(DKIMKeyRecord(publishing: key).fingerprint))"), "\(line)")
        }
    }

    @Test func anEmptyPIsRevoked() throws {
        let key = try DKIMPrivateKey.generate(.ed25519)
        #expect(try Self.check(key).verdict(for: .records(["v=DKIM1; k=ed25519; p="])) == .revoked)
        #expect(try Self.check(key).verdict(for: .records(["v=DKIM1; p= "])) == .revoked)
    }

    @Test func noRecordAndFailureAreToldApart() throws {
        let check = try Self.check(try DKIMPrivateKey.generate(.ed25519))
        #expect(check.verdict(for: .noSuchName) == .noRecord("the name does not exist (NXDOMAIN)"))
        #expect(check.verdict(for: .noRecords) == .noRecord("the name exists but has no TXT record"))
        #expect(check.verdict(for: .failed("timeout")) == .lookupFailed("timeout"))
        #expect(check.report(.lookupFailed("timeout"), keyLabel: "k.pem") == "cannot look up s1._domainkey.example.test TXT: timeout")
        #expect(check.report(.noRecord("x"), keyLabel: "k.pem") == "no DKIM record at s1._domainkey.example.test: x")
    }

    @Test func malformedRecords() throws {
        let key = try DKIMPrivateKey.generate(.ed25519)
        let p = Data(key.publicKey).base64EncodedString()
        let check = try Self.check(key)
        let cases: [(String, String)] = [
            ("v=DKIM1; k=ed25519", "no p= tag"),
            ("v=DKIM2; p=\(p)", "v=DKIM2 is not DKIM1"),
            ("v=DKIM1; p=***", "not base64"),
            ("google-site-verification", "not a tag=value pair"),
            ("v=DKIM1; k=rsa; p=\(p)", "k=rsa but p= holds this ed25519 key; publish k=ed25519"),
        ]
        for (text, reason) in cases {
            let verdict = check.verdict(for: .records([text]))
            guard case .malformed(let why) = verdict else { Issue.record("\(text): \(verdict)"); continue }
            #expect(why.contains(reason), "\(text): \(why)")
        }
        let record = DKIMKeyRecord(publishing: key).text
        guard case .malformed(let why) = check.verdict(for: .records([record, record])) else {
            Issue.record("two records should be malformed")
            return
        }
        #expect(why.hasPrefix("2 TXT records"))
    }

    @Test func hashOrServiceRestrictionsAreReported() throws {
        let key = try DKIMPrivateKey.generate(.ed25519)
        let p = Data(key.publicKey).base64EncodedString()
        let check = try Self.check(key)
        #expect(check.verdict(for: .records(["v=DKIM1; h=sha1; k=ed25519; p=\(p)"]))
                == .restricted("h=sha1 leaves out sha256, which Sluice signs with"))
        #expect(check.verdict(for: .records(["v=DKIM1; s=other; k=ed25519; p=\(p)"])) == .restricted("s=other does not allow email"))
        #expect(check.verdict(for: .records(["v=DKIM1; s=*; k=ed25519; p=\(p)"])).passed)
    }
}
