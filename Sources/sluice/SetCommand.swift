import ArgumentParser
import SluiceControlProtocol
import SluiceCore

/// `sluice set queue …` and `sluice set throttle …`.
struct SetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Change a queue's mode or throttles live.",
        subcommands: [SetQueue.self, SetThrottle.self]
    )
}

/// A domain or queue argument, refused with exit status 2 when malformed.
func domainOrQueue(_ text: String) throws -> ControlTarget {
    do { return try ControlTarget.domainOrQueue(text) } catch { throw ControlCLI.refuse(error) }
}

/// `sluice set queue DOMAIN[/VMTA] --mode backoff|normal [--reason] [--for]`.
struct SetQueue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "queue", abstract: "Force a domain's or queue's mode.")
    @Argument(help: "DOMAIN or DOMAIN/VMTA.") var target: String
    @Option(help: "backoff or normal.") var mode: String
    @OptionGroup var action: ActionOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await ControlCLI.run(.execute(.setMode(target: try domainOrQueue(target), mode: mode.lowercased())),
                                 connection: connection, reason: action.reason, ttlSeconds: try action.ttlSeconds())
    }
}

/// `sluice set throttle DOMAIN[/VMTA] max-msg-rate=50/s max-smtp-out=4 … [--for D] [--persist]`.
struct SetThrottle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "throttle", abstract: "Override throttle directives of a domain or queue.",
        discussion: "Takes effect on the next connection. --persist also writes the override file, so it survives a restart.")
    @Argument(help: "DOMAIN or DOMAIN/VMTA.") var target: String
    @Argument(help: "DIRECTIVE=VALUE, e.g. max-msg-rate=50/s.") var settings: [String]
    @Flag(help: "Keep the override across restarts (written to the override file).") var persist = false
    @OptionGroup var action: ActionOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let parsed: [ThrottleSetting]
        do {
            parsed = try CommandValidator.parseThrottleWords(settings)
            try CommandValidator.validate(throttle: parsed)
        } catch {
            throw ControlCLI.refuse(error)
        }
        try await ControlCLI.run(.execute(.setThrottle(target: try domainOrQueue(target), settings: parsed, persist: persist)),
                                 connection: connection, reason: action.reason, ttlSeconds: try action.ttlSeconds())
    }
}
