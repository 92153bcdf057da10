import ArgumentParser
import SluiceControlProtocol

/// What `hold` and `release` apply to.
enum DomainKeyword: String, ExpressibleByArgument, CaseIterable { case domain }

/// `sluice hold domain DOMAIN [--reason TEXT] [--for 30m]`.
struct Hold: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop new deliveries to a domain (queued mail stays).")
    @Argument(help: ArgumentHelp("The word `domain`.", valueName: "domain")) var kind: DomainKeyword
    @Argument(help: ArgumentHelp("The destination domain.", valueName: "name")) var domain: String
    @OptionGroup var action: ActionOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await ControlCLI.run(.execute(.hold(domain: domain.lowercased())), connection: connection,
                                 reason: action.reason, ttlSeconds: try action.ttlSeconds())
    }
}

/// `sluice release domain DOMAIN`.
struct Release: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Undo a hold.")
    @Argument(help: ArgumentHelp("The word `domain`.", valueName: "domain")) var kind: DomainKeyword
    @Argument(help: ArgumentHelp("The destination domain.", valueName: "name")) var domain: String
    @Option(help: ArgumentHelp("Why, recorded in the audit log.", valueName: "text")) var reason: String?
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await ControlCLI.run(.execute(.release(domain: domain.lowercased())), connection: connection, reason: reason)
    }
}
