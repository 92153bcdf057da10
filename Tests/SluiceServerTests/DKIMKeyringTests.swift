import Foundation
import SluiceConfig
import SluiceDKIM
@testable import SluiceServer
import Testing

@Suite("DKIM keys read from the configuration")
struct DKIMKeyringTests {
    /// Loads `text` as `DIR/sluice.conf` (key paths relative to it) and reads its keys.
    static func keyring(_ text: String, in dir: String) throws -> (DKIMKeyring, [String]) {
        let path = "\(dir)/sluice.conf"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = ConfigLoader.load(path: path)
        if let error = loaded.errors.first { throw TestError("bad test configuration: \(error)") }
        let (keyring, diagnostics) = DKIMKeyring.load(loaded.model)
        return (keyring, diagnostics.map { $0.description.replacingOccurrences(of: dir + "/", with: "") })
    }

    static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestError("openssl \(arguments) failed") }
    }

    @Test("unreadable, garbage and too-small keys are errors at their line; 1024 bits and a readable file warn", Peers.openssl)
    func keyFileFindings() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try "not a key\n".write(toFile: "\(dir)/garbage.pem", atomically: true, encoding: .utf8)
        try Self.openssl(["genrsa", "-out", "\(dir)/small.pem", "512"])
        try Self.openssl(["genrsa", "-out", "\(dir)/medium.pem", "1024"])
        _ = chmod("\(dir)/medium.pem", 0o600)
        let (_, good) = try DKIMFixtures.writeKey(.ed25519, named: "good", in: dir)
        _ = chmod(good, 0o644)
        let (keyring, findings) = try Self.keyring("""
        domain-key a,a.test,missing.pem
        domain-key b,b.test,garbage.pem
        domain-key c,c.test,small.pem
        domain-key d,d.test,medium.pem
        domain-key e,e.test,good.pem
        """, in: dir)
        #expect(findings.count == 5, "\(findings)")
        #expect(findings[0].hasPrefix("sluice.conf:1:1: error: cannot read DKIM key file 'missing.pem' (no such file)"))
        #expect(findings[0].contains("sluice dkim keygen --domain a.test --selector a"))
        #expect(findings[1].hasPrefix("sluice.conf:2:1: error: DKIM key file 'garbage.pem' is not usable"))
        #expect(findings[2].hasPrefix("sluice.conf:3:1: error: DKIM key 'small.pem' is RSA-512"))
        #expect(findings[3].hasPrefix("sluice.conf:4:1: warning: DKIM key 'medium.pem' is RSA-1024"))
        #expect(findings[4].hasPrefix("sluice.conf:5:1: warning: DKIM key file 'good.pem' may be read by other users (mode 644)"))
        #expect(keyring.global.map(\.line.selector) == ["d", "e"])
    }

    @Test("the vmta's keys before the top level's; the domain, then its parents, then *; dkim-algorithm filters")
    func lookupOrder() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        for name in ["rsa", "ed"] { _ = try DKIMFixtures.writeKey(name == "rsa" ? .rsa : .ed25519, named: name, in: dir) }
        let (keyring, findings) = try Self.keyring("""
        domain-key top,brand.test,rsa.pem
        domain-key any,*,rsa.pem
        domain-key edtop,brand.test,ed.pem
        <virtual-mta v1>
            domain-key mine,news.brand.test,ed.pem
        </virtual-mta>
        <virtual-mta v2>
        </virtual-mta>
        """, in: dir)
        #expect(findings.isEmpty, "\(findings)")
        #expect(keyring.key(for: "news.brand.test", vmta: "v1", algorithm: nil)?.line.selector == "mine")
        #expect(keyring.key(for: "news.brand.test", vmta: "v2", algorithm: nil)?.line.selector == "top")  // parent
        #expect(keyring.key(for: "a.b.brand.test", vmta: "v2", algorithm: nil)?.line.selector == "top")
        #expect(keyring.key(for: "other.test", vmta: "v1", algorithm: nil)?.line.selector == "any")
        #expect(keyring.key(for: "brand.test", vmta: "v2", algorithm: .ed25519SHA256)?.line.selector == "edtop")
        #expect(keyring.key(for: "other.test", vmta: "v2", algorithm: .ed25519SHA256) == nil)
        #expect(keyring.key(for: "news.brand.test", vmta: "v1", algorithm: .rsaSHA256)?.line.selector == "top")
    }
}

@Suite("Which signatures a message gets")
struct DKIMSigningPlanTests {
    static func context(_ body: String, in dir: String) throws -> DKIMSigningContext {
        _ = try DKIMFixtures.writeKey(.ed25519, named: "brand", in: dir)
        _ = try DKIMFixtures.writeKey(.ed25519, named: "esp", in: dir)
        let path = "\(dir)/sluice.conf"
        try ("domain-key s1,brand.test,brand.pem\ndomain-key e1,esp.test,esp.pem\n<virtual-mta v1>\n</virtual-mta>\n" + body)
            .write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = ConfigLoader.load(path: path)
        if let error = loaded.errors.first { throw TestError("bad test configuration: \(error)") }
        return DKIMSigningContext(configuration: loaded.model, keyring: DKIMKeyring.load(loaded.model).keyring)
    }

    static let message = Array("From: \"Brand, Inc\" <News@Brand.TEST>\r\nTo: a@x.test\r\nSubject: s\r\n\r\nbody\r\n".utf8)

    @Test func signsWhenAnyRecipientDomainSaysSoAndTheSourceDoesNotSayNo() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let context = try Self.context("<domain signed.test>\n    dkim-sign yes\n</domain>\n", in: dir)
        #expect(context.signsAnything)
        let plain = context.sign(Self.message, vmta: "v1", recipients: ["a@plain.test"], sourceSetting: nil, unixTime: 0)
        #expect(plain.receipt == .notRequested)
        #expect(plain.content == Self.message)
        let mixed = context.sign(Self.message, vmta: "v1", recipients: ["a@plain.test", "b@SIGNED.test"], sourceSetting: nil,
                                 unixTime: 0)
        #expect(mixed.receipt == .signed(["s1._domainkey.brand.test"]))
        let field = String(decoding: mixed.content, as: UTF8.self)
        #expect(field.hasPrefix("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=brand.test;"))
        #expect(field.contains("s=s1;"))
        let sourceNo = context.sign(Self.message, vmta: "v1", recipients: ["b@signed.test"], sourceSetting: false, unixTime: 0)
        #expect(sourceNo.receipt == .notRequested)
        let sourceYes = context.sign(Self.message, vmta: "v1", recipients: ["a@plain.test"], sourceSetting: true, unixTime: 0)
        #expect(sourceYes.receipt == .signed(["s1._domainkey.brand.test"]))
    }

    @Test func identitySecondSignatureAndMissingKeys() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let context = try Self.context("""
        <domain two.test>
            dkim-sign yes
            dkim-identity bulk@mail.brand.test
            second-dkim-sign yes
            second-dkim-identity @esp.test
        </domain>
        <domain half.test>
            dkim-sign yes
            second-dkim-sign yes
            second-dkim-identity @nokey.test
        </domain>
        <domain strict.test>
            dkim-sign yes
            dkim-identity @nokey.test
            dkim-missing-key refuse
        </domain>
        """, in: dir)
        let two = context.sign(Self.message, vmta: "v1", recipients: ["a@two.test"], sourceSetting: nil, unixTime: 0)
        #expect(two.receipt == .signed(["s1._domainkey.brand.test", "e1._domainkey.esp.test"]))
        let text = String(decoding: two.content, as: UTF8.self)
        #expect(text.contains("i=bulk@mail.brand.test;"))
        #expect(text.components(separatedBy: "DKIM-Signature:").count == 3)
        let half = context.sign(Self.message, vmta: "v1", recipients: ["a@half.test"], sourceSetting: nil, unixTime: 0)
        #expect(half.receipt == .unsigned("no domain-key for nokey.test in virtual-mta 'v1' or at the top level"))
        #expect(half.refusal == nil)
        #expect(String(decoding: half.content, as: UTF8.self).components(separatedBy: "DKIM-Signature:").count == 2)
        let strict = context.sign(Self.message, vmta: "v1", recipients: ["a@strict.test"], sourceSetting: nil, unixTime: 0)
        #expect(strict.refusal != nil)
        #expect(strict.content == Self.message)
    }

    @Test func nothingToDoWithoutDKIMSign() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let context = try Self.context("<domain *>\n    dkim-sign no\n</domain>\n", in: dir)
        #expect(!context.signsAnything)
        #expect(context.sign(Self.message, vmta: "v1", recipients: ["a@x.test"], sourceSetting: nil, unixTime: 0).receipt
            == .notRequested)
    }

    @Test func fromDomains() {
        #expect(FromDomain.domain(inAddressList: "\"Last, First\" <A@Example.COM>, c@d.example") == "example.com")
        #expect(FromDomain.domain(inAddressList: "user@news.example.org (Newsletter)") == "news.example.org")
        #expect(FromDomain.domain(inAddressList: "Undisclosed recipients:;") == nil)
        #expect(FromDomain.domain(inAddressList: "<>") == nil)
        #expect(FromDomain.of(Array("Subject: x\r\nfrom: b@c.example\r\n\r\n".utf8)) == "c.example")
        #expect(FromDomain.of(Array("Subject: no from\r\n\r\nFrom: body@not.header\r\n".utf8)) == nil)
    }
}
