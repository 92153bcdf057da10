import ArgumentParser

/// The `sluice` command line.
@main
struct Sluice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "A high-volume mail transfer agent with a live operations console.",
        subcommands: [SpoolCommand.self]
    )
}
