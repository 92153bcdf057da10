import ArgumentParser
import Foundation
import SluiceConfig
import SluiceDKIM
import SluiceDKIMTools
import SluiceDNS

/// `sluice dkim check --domain D --selector S --key FILE [--config FILE] [--dns-server ADDR[:PORT]]`:
/// looks up SELECTOR._domainkey.DOMAIN's TXT record through the name server the daemon uses and
/// says whether it publishes the key. Exit 0 when it does; 1 when it publishes another key, is
/// revoked, is missing or malformed, or the lookup failed (one line on stderr saying which); 2 on
/// usage errors.
struct DKIMCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that a selector's DNS record publishes a private key.",
        discussion: """
            The lookup goes to --dns-server, else the configuration's dns-server, else the name \
            servers of /etc/resolv.conf.
            """)

    @OptionGroup var names: DKIMSelectorOptions

    @Option(help: ArgumentHelp("The private key file (PEM) the record should publish.", valueName: "path"))
    var key: String

    @Option(help: ArgumentHelp("The configuration whose dns-server to use.",
                               discussion: "Default: \(defaultConfigPath) when it exists.", valueName: "path"))
    var config: String?

    @Option(name: .customLong("dns-server"),
            help: ArgumentHelp("The IPv4 name server to ask, overriding the configuration's.", valueName: "addr[:port]"))
    var dnsServer: String?

    mutating func validate() throws {
        if let dnsServer { _ = try Self.nameserver(parsing: dnsServer) }
    }

    func run() async throws {
        let name = try names.recordName()
        let privateKey: DKIMPrivateKey
        do { privateKey = try DKIMKeyFile.read(key) } catch {
            printError("sluice: \(error.message)")
            throw ExitCode(1)
        }
        if let warning = DKIMKeyFile.exposure(of: key) { printError("warning: \(warning)") }
        let resolver = SystemResolver(nameserver: try nameserver())
        let check = DKIMRecordCheck(name: name, key: privateKey)
        let verdict = check.verdict(for: await resolver.txtRecords(of: name.name))
        let line = check.report(verdict, keyLabel: key)
        guard verdict.passed else {
            printError("sluice: \(line)")
            throw ExitCode(1)
        }
        print(line)
    }

    /// `--dns-server`, else the configuration's `dns-server`, else nil (resolv.conf).
    private func nameserver() throws -> (address: String, port: UInt16)? {
        if let dnsServer { return try Self.nameserver(parsing: dnsServer) }
        let path = config ?? (FileManager.default.fileExists(atPath: defaultConfigPath) ? defaultConfigPath : nil)
        guard let path else { return nil }
        let result = try loadConfig(path)
        if result.hasErrors {
            printError("sluice: \(path) has \(result.errors.count) error(s) (sluice check-config lists them); "
                       + "fix them or pass --dns-server")
            throw ExitCode(1)
        }
        return result.model.dnsServer.map { (address: $0.address.description, port: UInt16($0.port)) }
    }

    /// `ADDR[:PORT]` as the config's `dns-server` takes it: one IPv4 address, port 53 by default.
    static func nameserver(parsing text: String) throws -> (address: String, port: UInt16) {
        let withPort = text.contains(":") ? text : text + ":53"
        guard let address = try? ListenAddress(parsing: withPort), case .v4 = address.address,
              let port = UInt16(exactly: address.port), port > 0 else {
            throw ValidationError("--dns-server: expected an IPv4 name server such as 192.0.2.53 or 127.0.0.1:5353, found '\(text)'")
        }
        return (address.address.description, port)
    }
}
