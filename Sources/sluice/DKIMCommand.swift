import ArgumentParser
import SluiceDKIM
import SluiceDKIMTools

/// `sluice dkim …`: DKIM signing keys and their DNS records (docs/dkim.md).
struct DKIMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dkim",
        abstract: "Generate DKIM signing keys and check their published DNS records.",
        subcommands: [DKIMKeygenCommand.self, DKIMCheckCommand.self]
    )
}

/// `--domain D --selector S`, shared by the `dkim` commands.
struct DKIMSelectorOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The signing domain (the signature's d=), e.g. example.com.", valueName: "domain"))
    var domain: String

    @Option(help: ArgumentHelp("The selector (the signature's s=), e.g. s2026.", valueName: "selector"))
    var selector: String

    /// The record's name, or a usage error naming what is wrong.
    func recordName() throws -> DKIMRecordName {
        do { return try DKIMRecordName(selector: selector, domain: domain) } catch {
            throw ValidationError(error.message)
        }
    }

    mutating func validate() throws { _ = try recordName() }
}

/// `--algorithm rsa|ed25519`.
enum DKIMAlgorithmOption: String, ExpressibleByArgument, CaseIterable {
    case rsa
    case ed25519

    /// The key type.
    var keyType: DKIMKeyType {
        switch self {
        case .rsa: return .rsa
        case .ed25519: return .ed25519
        }
    }
}
