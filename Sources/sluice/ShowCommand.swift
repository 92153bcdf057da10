import SluiceBase
import ArgumentParser
import SluiceControlProtocol

/// `sluice show status|queues|domains|topdomains|vmtas|jobs|history|warmup|settings`.
struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the running daemon's figures.",
        subcommands: [ShowStatus.self, ShowQueues.self, ShowDomains.self, ShowTopDomains.self, ShowVMTAs.self,
                      ShowJobs.self, ShowHistory.self, ShowWarmup.self, ShowSettingsCommand.self]
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

struct ShowHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "The last 24 hours minute by minute: a domain's (or --vmta's, --job's) minutes, or every domain at --at HH:MM (UTC).")
    @Argument(help: "The domain (or the vmta with --vmta, the job with --job).") var name: String?
    @Flag(help: "NAME is a virtual MTA.") var vmta = false
    @Flag(help: "NAME is a job.") var job = false
    @Option(help: ArgumentHelp("The minute to show, UTC, within the last 24 hours.", valueName: "HH:MM")) var at: String?
    @OptionGroup var options: ShowOptions

    func validate() throws {
        guard (name == nil) != (at == nil) else { throw ValidationError("give a NAME, or --at HH:MM") }
        guard !(vmta && job) else { throw ValidationError("--vmta and --job exclude each other") }
        if let at { _ = try Self.minute(at, now: 0) }
    }

    /// The last minute at or before `now` (Unix seconds) whose UTC clock reads `text` (`HH:MM`).
    static func minute(_ text: String, now: Double) throws -> Int64 {
        let parts = text.split(separator: ":").compactMap { Int64($0) }
        guard parts.count == 2, (0..<24).contains(parts[0]), (0..<60).contains(parts[1]) else {
            throw ValidationError("--at takes HH:MM (UTC), e.g. 14:32")
        }
        let nowMinute = Int64((now / 60).rounded(.down))
        let today = nowMinute - ((nowMinute % 1440) + 1440) % 1440 + parts[0] * 60 + parts[1]
        return today <= nowMinute ? today : today - 1440
    }

    func run() async throws {
        if let at {
            let minute = try Self.minute(at, now: Double(WallClock().now().milliseconds) / 1000)
            try await ControlCLI.run(.historyFrame(minute: minute), connection: options.connection, json: options.json)
        } else {
            let kind: HistoryKind = vmta ? .vmta : job ? .job : .domain
            try await ControlCLI.run(.historySeries(kind: kind, name: name ?? ""), connection: options.connection, json: options.json)
        }
    }
}

struct ShowWarmup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warmup", abstract: "Each warming vmta: day n of m, today's count and cap, why it holds.")
    @OptionGroup var options: ShowOptions
    func run() async throws { try await ControlCLI.runWarmup(connection: options.connection, json: options.json) }
}
