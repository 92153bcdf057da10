import ArgumentParser
import SluiceControlProtocol
import SluiceCore

/// What `pause` and `resume` apply to.
enum PauseKind: String, ExpressibleByArgument, CaseIterable { case vmta, queue }

/// The target of `pause`/`resume`.
func pauseTarget(_ kind: PauseKind, _ name: String) throws -> ControlTarget {
    do {
        switch kind {
        case .vmta: return try ControlTarget.vmtaNamed(name)
        case .queue:
            let target = try ControlTarget.domainOrQueue(name)
            guard case .queue = target else { throw ControlError(.usage, "'\(name)' is not a queue: expected DOMAIN/VMTA") }
            return target
        }
    } catch let error as ControlError {
        throw ControlCLI.refuse(error)
    }
}

/// `sluice pause vmta NAME | queue DOMAIN/VMTA [--reason TEXT] [--for D]`.
struct Pause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop a virtual MTA or a queue from opening connections.")
    @Argument(help: ArgumentHelp("`vmta` or `queue`.", valueName: "vmta|queue")) var kind: PauseKind
    @Argument(help: "The vmta's name, or DOMAIN/VMTA.") var name: String
    @OptionGroup var action: ActionOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await ControlCLI.run(.execute(.pause(target: try pauseTarget(kind, name))), connection: connection,
                                 reason: action.reason, ttlSeconds: try action.ttlSeconds())
    }
}

/// `sluice resume vmta NAME | queue DOMAIN/VMTA`.
struct Resume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Undo a pause.")
    @Argument(help: ArgumentHelp("`vmta` or `queue`.", valueName: "vmta|queue")) var kind: PauseKind
    @Argument(help: "The vmta's name, or DOMAIN/VMTA.") var name: String
    @Option(help: ArgumentHelp("Why, recorded in the audit log.", valueName: "text")) var reason: String?
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await ControlCLI.run(.execute(.resume(target: try pauseTarget(kind, name))), connection: connection, reason: reason)
    }
}
