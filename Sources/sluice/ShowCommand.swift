import ArgumentParser

/// `sluice show …`: read-only views of the configuration and, later, of a running daemon.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show settings, queues, domains and virtual MTAs.",
        subcommands: [ShowSettingsCommand.self])
}
