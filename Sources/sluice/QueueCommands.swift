import ArgumentParser
import SluiceControlProtocol

/// `sluice schedule DOMAIN[/VMTA]`.
struct Schedule: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Retry a domain's or queue's deferred recipients now.")
    @Argument(help: "DOMAIN or DOMAIN/VMTA.") var target: String
    @Option(help: ArgumentHelp("Why, recorded in the audit log.", valueName: "text")) var reason: String?
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await ControlCLI.run(.execute(.schedule(target: try domainOrQueue(target))), connection: connection, reason: reason)
    }
}

/// `sluice delete --queue DOMAIN[/VMTA] | --job ID [--dsn]`.
struct Delete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove every queued recipient of a domain, a queue or a job (in every queue it has mail in).")
    @Option(help: "DOMAIN or DOMAIN/VMTA.") var queue: String?
    @Option(help: "A job id (X-Job).") var job: String?
    @Flag(help: "Bounce them (with DSNs to the senders) instead of dropping them silently.") var dsn = false
    @Option(help: ArgumentHelp("Why, recorded in the audit log.", valueName: "text")) var reason: String?
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard (queue == nil) != (job == nil) else { throw ValidationError("give exactly one of --queue and --job") }
    }

    func run() async throws {
        let target = try job.map { try namedTarget(.job, $0) } ?? domainOrQueue(queue ?? "")
        try await ControlCLI.run(.execute(.delete(target: target, asBounces: dsn)), connection: connection, reason: reason)
    }
}

/// `sluice reload`.
struct Reload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Make the daemon re-read its configuration.")
    @Option(help: ArgumentHelp("Why, recorded in the audit log.", valueName: "text")) var reason: String?
    @OptionGroup var connection: ConnectionOptions

    func run() async throws { try await ControlCLI.run(.execute(.reload), connection: connection, reason: reason) }
}

/// `sluice controls`.
struct Controls: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List active holds, pauses and overrides.")
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var connection: ConnectionOptions

    func run() async throws { try await ControlCLI.run(.listControls, connection: connection, json: json) }
}

/// `sluice cancel ID`.
struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "End an active control early (see `sluice controls`).")
    @Argument(help: "The control's id.") var id: String
    @Option(help: ArgumentHelp("Why, recorded in the audit log.", valueName: "text")) var reason: String?
    @OptionGroup var connection: ConnectionOptions

    func run() async throws { try await ControlCLI.run(.execute(.cancelControl(id: id)), connection: connection, reason: reason) }
}
