import ArgumentParser
import SluiceControlProtocol

/// `sluice show status|queues|domains|topdomains|vmtas|jobs|warmup|settings`.
struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the running daemon's figures.",
        subcommands: [ShowStatus.self, ShowQueues.self, ShowDomains.self, ShowTopDomains.self, ShowVMTAs.self,
                      ShowJobs.self, ShowWarmup.self, ShowSettingsCommand.self]
    )
}

/// The options of every `show` subcommand.
struct ShowOptions: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Print the documented JSON document instead of a table.") var json = false
}

struct ShowStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Node-wide figures and active controls.")
    @OptionGroup var options: ShowOptions
    func run() async throws { try await ControlCLI.run(.status, connection: options.connection, json: options.json) }
}

struct ShowQueues: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "queues", abstract: "One line per queue (DOMAIN/VMTA).")
    @OptionGroup var options: ShowOptions
    func run() async throws { try await ControlCLI.run(.queues, connection: options.connection, json: options.json) }
}

struct ShowDomains: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "domains", abstract: "One line per destination domain.")
    @OptionGroup var options: ShowOptions
    func run() async throws { try await ControlCLI.run(.domains, connection: options.connection, json: options.json) }
}

struct ShowTopDomains: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "topdomains", abstract: "The domains with the most recipients queued.")
    @OptionGroup var options: ShowOptions
    @Option(help: "How many domains.") var limit = 20
    func run() async throws {
        try await ControlCLI.run(.topDomains(limit: limit), connection: options.connection, json: options.json)
    }
}

struct ShowVMTAs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vmtas", abstract: "One line per virtual MTA.")
    @OptionGroup var options: ShowOptions
    func run() async throws { try await ControlCLI.run(.vmtas, connection: options.connection, json: options.json) }
}

struct ShowJobs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "One line per job (X-Job): queued, delivered, deferred, bounced, complaints, progress.")
    @OptionGroup var options: ShowOptions
    func run() async throws { try await ControlCLI.run(.jobs, connection: options.connection, json: options.json) }
}

struct ShowWarmup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warmup", abstract: "Each warming vmta: day n of m, today's count and cap, why it holds.")
    @OptionGroup var options: ShowOptions
    func run() async throws { try await ControlCLI.runWarmup(connection: options.connection, json: options.json) }
}
