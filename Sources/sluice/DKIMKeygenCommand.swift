import ArgumentParser
import Foundation
import SluiceDKIM
import SluiceDKIMTools

/// `sluice dkim keygen --domain D --selector S [--algorithm rsa|ed25519] [--bits N] [--out PATH]
/// [--force]`: generates a signing key, writes it as PKCS#8 PEM with mode 0600 (never over an
/// existing file unless `--force`), and prints the TXT record to publish as a zone-file line, then
/// a zone-file comment saying where the key went. Warnings go to stderr.
struct DKIMKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate a DKIM signing key and print the DNS TXT record that publishes it.",
        discussion: """
            The key is written as PKCS#8 PEM, mode 0600. Standard output is zone-file text: the \
            record SELECTOR._domainkey.DOMAIN, then a comment naming the key file.
            """)

    @OptionGroup var names: DKIMSelectorOptions

    @Option(help: "The key type: rsa (rsa-sha256, every receiver) or ed25519 (ed25519-sha256, RFC 8463).")
    var algorithm: DKIMAlgorithmOption = .rsa

    @Option(help: ArgumentHelp("RSA key size (default 2048; under 1024 refused, 1024 warned).", valueName: "bits"))
    var bits: Int?

    @Option(help: ArgumentHelp("Where to write the private key.",
                               discussion: "Default: ./SELECTOR._domainkey.DOMAIN.pem in the current directory.",
                               valueName: "path"))
    var out: String?

    @Flag(help: "Replace the key file if it exists.")
    var force = false

    /// The plan, or a usage error.
    func plan() throws -> DKIMKeygenPlan {
        do {
            return try DKIMKeygenPlan(record: try names.recordName(), type: algorithm.keyType, bits: bits, path: out)
        } catch let error as DKIMError {
            throw ValidationError(error.message)
        }
    }

    mutating func validate() throws { _ = try plan() }

    func run() throws {
        let plan = try plan()
        for warning in plan.warnings { printError("warning: \(warning)") }
        if !force, FileManager.default.fileExists(atPath: plan.path) {
            printError("sluice: \(plan.path) already exists; --force replaces it")
            throw ExitCode(1)
        }
        let key: DKIMPrivateKey
        do {
            key = try plan.generate()
            try DKIMKeyFile.write(try key.pemRepresentation(), to: plan.path, overwrite: force)
        } catch {
            printError("sluice: \(error)")
            throw ExitCode(1)
        }
        print(DKIMKeyRecord(publishing: key).zoneFileLine(name: plan.record.name))
        print("; \(plan.record.selector) \(key.type.algorithm) private key written to \(plan.path) (mode 0600)")
    }
}
