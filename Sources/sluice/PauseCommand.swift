import ArgumentParser
import SluiceControlProtocol
import SluiceCore

/// What `pause` and `resume` apply to (and `delete --job`).
enum PauseKind: String, ExpressibleByArgument, CaseIterable { case vmta, queue, job }

/// The target `pause`, `resume` and `delete --job` name: a vmta, a queue or a job.
func namedTarget(_ kind: PauseKind, _ name: String) throws -> ControlTarget {
    do {
        switch kind {
        case .vmta: return try ControlTarget.vmtaNamed(name)
        case .job: return try ControlTarget.jobNamed(name)
        case .queue:
            let target = try ControlTarget.domainOrQueue(name)
            guard case .queue = target else { throw ControlError(.usage, "'\(name)' is not a queue: expected DOMAIN/VMTA") }
            return target
        }
    } catch let error as ControlError {
        throw ControlCLI.refuse(error)
    }
}

/// `sluice pause vmta NAME | queue DOMAIN/VMTA | job ID [--reason TEXT] [--for D]`.
struct Pause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop a virtual MTA or a queue from opening connections, or a job's mail from being sent in any queue.")
    @Argument(help: ArgumentHelp("`vmta`, `queue` or `job`.", valueName: "vmta|queue|job")) var kind: PauseKind
    @Argument(help: "The vmta's name, DOMAIN/VMTA, or the job id (X-Job).") var name: String
    @OptionGroup var action: ActionOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await ControlCLI.run(.execute(.pause(target: try namedTarget(kind, name))), connection: connection,
                                 reason: action.reason, ttlSeconds: try action.ttlSeconds())
    }
}

/// `sluice resume vmta NAME | queue DOMAIN/VMTA | job ID`.
struct Resume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Undo a pause.")
    @Argument(help: ArgumentHelp("`vmta`, `queue` or `job`.", valueName: "vmta|queue|job")) var kind: PauseKind
    @Argument(help: "The vmta's name, DOMAIN/VMTA, or the job id (X-Job).") var name: String
    @Option(help: ArgumentHelp("Why, recorded in the audit log.", valueName: "text")) var reason: String?
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await ControlCLI.run(.execute(.resume(target: try namedTarget(kind, name))), connection: connection, reason: reason)
    }
}
