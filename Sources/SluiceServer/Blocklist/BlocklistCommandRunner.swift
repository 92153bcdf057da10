import Foundation

/// Starts a `<blocklist-watch>` zone's `command=` program off the node's actor and never waits
/// for it: its output is discarded, a failure to start or a non-zero exit is logged.
enum BlocklistCommandRunner {
    /// Starts `command`; `log` gets a line when it cannot start or exits with a non-zero status.
    static func start(_ command: BlocklistCommand, log: @escaping @Sendable (String) -> Void) {
        guard let program = command.arguments.first else { return }
        Task.detached {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(command.arguments.dropFirst())
            process.environment = ProcessInfo.processInfo.environment.merging(command.environment) { $1 }
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.terminationHandler = { finished in
                guard finished.terminationStatus != 0 else { return }
                log("blocklist-watch: command \(program) exited with status \(finished.terminationStatus)")
            }
            do { try process.run() } catch { log("blocklist-watch: cannot run command \(program): \(error)") }
        }
    }
}
