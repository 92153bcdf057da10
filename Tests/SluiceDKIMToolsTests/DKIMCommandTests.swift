import Foundation
import SluiceDKIM
import Testing
@testable import SluiceDKIMTools

/// `sluice dkim keygen` and `sluice dkim check` as operators run them: the built `sluice` binary,
/// its exit status, standard output and standard error.
@Suite struct DKIMCommandTests {
    /// The `sluice` executable, built next to the test bundle by `swift build --build-tests`.
    static var sluicePath: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var directory = (executable as NSString).deletingLastPathComponent
        if directory.hasSuffix(".xctest") { directory = (directory as NSString).deletingLastPathComponent }
        return directory + "/sluice"
    }

    struct Run {
        var status: Int32
        var output: String
        var error: String
    }

    /// Runs `sluice ARGUMENTS` in `directory` and waits for it.
    static func sluice(_ arguments: [String], in directory: String) throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: sluicePath),
                     "sluice not found next to the tests at \(sluicePath); run `swift build --build-tests` first")
        let outPath = directory + "/.stdout", errPath = directory + "/.stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer {
            try? out.close()
            try? err.close()
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sluicePath)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Run(status: process.terminationStatus,
                   output: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                   error: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    /// The record a zone-file text publishes: its quoted strings joined.
    static func record(inZoneText text: String) throws -> DKIMKeyRecord {
        let zone = text.split(separator: "\n").filter { !$0.hasPrefix(";") }.joined(separator: "\n")
        let strings = zone.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map(\.element)
        return try DKIMKeyRecord(parsing: strings.joined())
    }

    @Test func keygenWritesA0600KeyAndPrintsItsRecord() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let keygen = ["dkim", "keygen", "--domain", "Example.test", "--selector", "s1"]

        // The default path, in the current directory; RSA 2048.
        let run = try Self.sluice(keygen, in: directory)
        #expect(run.status == 0, "\(run.error)")
        #expect(run.error.isEmpty, "\(run.error)")
        let path = directory + "/s1._domainkey.example.test.pem"
        #expect(try mode(of: path) == 0o600)
        let key = try DKIMKeyFile.read(path)
        #expect(key.type == .rsa && key.bits == 2048)
        let lines = run.output.split(separator: "\n")
        #expect(lines.first?.hasPrefix("s1._domainkey.example.test. IN TXT (") == true, "\(run.output)")
        #expect(lines.last == "; s1 rsa-sha256 private key written to s1._domainkey.example.test.pem (mode 0600)")
        #expect(try Self.record(inZoneText: run.output).matches(key))

        // Never over an existing key without --force; with it, a new key, still 0600.
        let again = try Self.sluice(keygen, in: directory)
        #expect(again.status == 1)
        #expect(again.error == "sluice: s1._domainkey.example.test.pem already exists; --force replaces it\n")
        #expect(again.output.isEmpty)
        #expect(try DKIMKeyFile.read(path).publicKey == key.publicKey)
        let forced = try Self.sluice(keygen + ["--force", "--algorithm", "ed25519"], in: directory)
        #expect(forced.status == 0, "\(forced.error)")
        let replaced = try DKIMKeyFile.read(path)
        #expect(replaced.type == .ed25519)
        #expect(try mode(of: path) == 0o600)
        #expect(try Self.record(inZoneText: forced.output).matches(replaced))
        #expect(forced.error.hasPrefix("warning: not every receiver verifies ed25519-sha256"), "\(forced.error)")
    }

    @Test func keygenSizesAndUsageErrors() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let keygen = ["dkim", "keygen", "--domain", "example.test", "--selector", "s1"]
        let small = try Self.sluice(keygen + ["--bits", "512"], in: directory)
        #expect(small.status == 2)
        #expect(small.error.contains("RSA keys under 1024 bits are refused"), "\(small.error)")
        let weak = try Self.sluice(keygen + ["--bits", "1024", "--out", directory + "/weak.pem"], in: directory)
        #expect(weak.status == 0, "\(weak.error)")
        #expect(weak.error.hasPrefix("warning: 1024-bit RSA keys are weak"), "\(weak.error)")
        #expect(try DKIMKeyFile.read(directory + "/weak.pem").bits == 1024)
        #expect(try Self.sluice(["dkim", "keygen", "--domain", "a/b", "--selector", "s1"], in: directory).status == 2)
        #expect(try Self.sluice(keygen + ["--algorithm", "dsa"], in: directory).status == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["weak.pem"])
    }

    @Test(Peers.python3) func checkAgainstTheStubSaysWhichCase() async throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let keyPath = directory + "/s1.pem"
        let generated = try Self.sluice(["dkim", "keygen", "--domain", "example.test", "--selector", "s1", "--out", keyPath],
                                        in: directory)
        #expect(generated.status == 0, "\(generated.error)")
        let record = try Self.record(inZoneText: generated.output)
        let other = DKIMKeyRecord(publishing: try DKIMPrivateKey.generate(.rsa, bits: 1024))
        let zone: [String: Any] = [
            "s1._domainkey.example.test": ["txt": [txtRecord(record.text)]],
            "wrong._domainkey.example.test": ["txt": [txtRecord(other.text)]],
            "revoked._domainkey.example.test": ["txt": [["v=DKIM1; p="]]],
            "notxt._domainkey.example.test": ["a": ["127.0.0.2"]],
            "bad._domainkey.example.test": ["txt": [["v=DKIM1; k=rsa"]]],
        ]
        try await withDNSStub(zone: zone) { port in
            func check(_ selector: String, _ extra: [String] = ["--dns-server", "127.0.0.1:\(port)"]) throws -> Run {
                try Self.sluice(["dkim", "check", "--domain", "example.test", "--selector", selector, "--key", keyPath] + extra,
                                in: directory)
            }
            let right = try check("s1")
            #expect(right.status == 0, "\(right.error)")
            #expect(right.output.hasPrefix("s1._domainkey.example.test publishes the key in \(keyPath) (rsa 2048-bit, SHA256:"))
            #expect(right.error.isEmpty, "\(right.error)")

            let wrong = try check("wrong")
            #expect(wrong.status == 1)
            #expect(wrong.error.hasPrefix("sluice: wrong._domainkey.example.test publishes a different key: published k=rsa \(other.fingerprint)"),
                    "\(wrong.error)")
            #expect(wrong.output.isEmpty)

            let revoked = try check("revoked")
            #expect(revoked.status == 1)
            #expect(revoked.error.hasPrefix("sluice: revoked._domainkey.example.test is revoked (empty p=)"), "\(revoked.error)")

            let missing = try check("nowhere")
            #expect(missing.status == 1)
            #expect(missing.error == "sluice: no DKIM record at nowhere._domainkey.example.test: the name does not exist (NXDOMAIN)\n")

            let noTXT = try check("notxt")
            #expect(noTXT.status == 1)
            #expect(noTXT.error == "sluice: no DKIM record at notxt._domainkey.example.test: the name exists but has no TXT record\n")

            let malformed = try check("bad")
            #expect(malformed.status == 1)
            #expect(malformed.error.hasPrefix("sluice: bad._domainkey.example.test has a malformed DKIM record: the record has no p= tag"),
                    "\(malformed.error)")

            // The configuration's dns-server is used when --dns-server is not given.
            let config = directory + "/sluice.conf"
            try "dns-server 127.0.0.1:\(port)\n".write(toFile: config, atomically: true, encoding: .utf8)
            let viaConfig = try check("s1", ["--config", config])
            #expect(viaConfig.status == 0, "\(viaConfig.error)")

            #expect(try check("s1", ["--dns-server", "not-an-address"]).status == 2)
        }
    }

    @Test func checkWithAnUnreadableKeyFails() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let run = try Self.sluice(["dkim", "check", "--domain", "example.test", "--selector", "s1",
                                   "--key", directory + "/none.pem", "--dns-server", "127.0.0.1:9"], in: directory)
        #expect(run.status == 1)
        #expect(run.error == "sluice: cannot read \(directory)/none.pem: No such file or directory\n")
    }
}
