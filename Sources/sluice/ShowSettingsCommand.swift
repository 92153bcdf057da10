import ArgumentParser
import SluiceConfig
import SluiceServer
import SluiceControlProtocol

/// `sluice show settings DOMAIN[/VMTA] [--json] [--socket PATH | --config FILE]`: a queue's effective
/// `<domain>` settings and where each came from — from the running daemon (live and persisted
/// overrides included), or with `--config` from a configuration file without a daemon.
struct ShowSettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Show the effective settings of a queue (DOMAIN or DOMAIN/VMTA) and their origins.")

    @Argument(help: "The queue: DOMAIN, or DOMAIN/VMTA for a virtual MTA's overrides.")
    var queue: String

    @Option(name: .long, help: "Read this configuration file instead of asking the running daemon.")
    var config: String?

    @OptionGroup var options: ShowOptions

    func validate() throws {
        let parts = queue.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else {
            throw ValidationError("expected DOMAIN or DOMAIN/VMTA, got '\(queue)'")
        }
    }

    func run() async throws {
        guard let config else {
            try await ControlCLI.run(.settings(target: try domainOrQueue(queue)), connection: options.connection,
                                     json: options.json)
            return
        }
        let result = try loadConfig(config)
        if result.hasErrors {
            for diagnostic in result.errors { printError(diagnostic.description) }
            throw ExitCode(1)
        }
        let parts = queue.split(separator: "/").map(String.init)
        let vmta = parts.count == 2 ? parts[1] : nil
        if let vmta, result.model.virtualMTAs[vmta] == nil {
            printError("error: unknown virtual-mta '\(vmta)' in \(config)")
            throw ExitCode(1)
        }
        let domain = parts[0].lowercased()
        let settings = result.model.effectiveSettings(domain: domain, vmta: vmta)
        let queueName = vmta.map { "\(domain)/\($0)" } ?? domain
        var snapshot = SettingsSnapshot(queue: queueName, settings: settings)
        if let vmta {
            snapshot.dkim = SettingsSnapshot.DKIMStatus(
                signing: DKIMKeyring.load(result.model).keyring.describeSigning(settings: settings, vmta: vmta))
        }
        try ControlCLI.show(.settings(snapshot), json: options.json)
    }
}
