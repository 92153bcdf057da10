import Foundation
import SluiceDKIM
import SluiceDNS
import Testing
@testable import SluiceDKIMTools

/// The published-record check through the real resolver path: libresolv (SystemResolver) asking
/// the loopback DNS stub, no traffic beyond 127.0.0.1.
@Suite struct DKIMCheckDNSTests {
    @Test(Peers.python3) func rightWrongRevokedMissingAndFailingRecords() async throws {
        let key = try DKIMPrivateKey.generate(.rsa, bits: 2048)
        let other = try DKIMPrivateKey.generate(.ed25519)
        let published = DKIMKeyRecord(publishing: key)
        #expect(txtRecord(published.text).count == 2, "a 2048-bit key's record spans two strings")
        let zone: [String: Any] = [
            "right._domainkey.example.test": ["txt": [txtRecord(published.text)]],
            "wrong._domainkey.example.test": ["txt": [txtRecord(DKIMKeyRecord(publishing: other).text)]],
            "revoked._domainkey.example.test": ["txt": [["v=DKIM1; k=rsa; p="]]],
            "twice._domainkey.example.test": ["txt": [txtRecord(published.text), ["v=spf1 -all"]]],
            "notxt._domainkey.example.test": ["a": ["127.0.0.2"]],
            "failing._domainkey.example.test": ["rcode": 2],
        ]
        try await withDNSStub(zone: zone) { port in
            let resolver = SystemResolver(nameserver: ("127.0.0.1", port), timeoutSeconds: 2, attempts: 1)
            func verdict(_ selector: String) async throws -> DKIMRecordVerdict {
                let name = try DKIMRecordName(selector: selector, domain: "example.test")
                return DKIMRecordCheck(name: name, key: key).verdict(for: await resolver.txtRecords(of: name.name))
            }
            #expect(try await verdict("right") == .matches(published))
            #expect(try await verdict("wrong") == .differs(published: DKIMKeyRecord(publishing: other)))
            #expect(try await verdict("revoked") == .revoked)
            #expect(try await verdict("nowhere") == .noRecord("the name does not exist (NXDOMAIN)"))
            #expect(try await verdict("notxt") == .noRecord("the name exists but has no TXT record"))
            guard case .malformed(let why) = try await verdict("twice") else {
                Issue.record("two records should be malformed")
                return
            }
            #expect(why.hasPrefix("2 TXT records"))
            guard case .lookupFailed = try await verdict("failing") else {
                Issue.record("SERVFAIL should be a failed lookup")
                return
            }
        }
    }
}
