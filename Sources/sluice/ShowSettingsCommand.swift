import ArgumentParser
import SluiceConfig

/// `sluice show settings DOMAIN[/VMTA] [--config FILE] [--json]`: the effective `<domain>`
/// settings of a queue and where each came from.
struct ShowSettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Show the effective settings of a queue (DOMAIN or DOMAIN/VMTA) and their origins.")

    @Argument(help: "The queue: DOMAIN, or DOMAIN/VMTA for a virtual MTA's overrides.")
    var queue: String

    @Option(name: .long, help: "The configuration file.")
    var config = defaultConfigPath

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        let parts = queue.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else {
            throw ValidationError("expected DOMAIN or DOMAIN/VMTA, got '\(queue)'")
        }
    }

    func run() throws {
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
        let report = SettingsReport(queue: vmta.map { "\(domain)/\($0)" } ?? domain, settings: settings)
        print(json ? report.json() : report.table(), terminator: json ? "\n" : "")
    }
}
