import ArgumentParser
import SluiceControl

/// `sluice show settings DOMAIN[/VMTA] [--json] [--socket PATH]`: the running daemon's effective
/// settings with origins, live and persisted overrides included.
///
/// The offline form (`--config FILE`, from the config parser) is a separate command; when the two
/// are merged into one `settings` subcommand, call ``runLive(target:options:)`` when no `--config`
/// is given.
struct ShowSettingsLive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: "A domain's or queue's effective settings and where each came from.")
    @Argument(help: "DOMAIN or DOMAIN/VMTA.") var target: String
    @OptionGroup var options: ShowOptions

    func run() async throws { try await Self.runLive(target: target, options: options) }

    /// Asks the daemon for `target`'s settings and prints them.
    static func runLive(target: String, options: ShowOptions) async throws {
        try await ControlCLI.run(.settings(target: try domainOrQueue(target)), connection: options.connection, json: options.json)
    }
}
