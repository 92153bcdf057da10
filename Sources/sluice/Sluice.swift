import ArgumentParser
import Foundation

/// The `sluice` command line.
@main
struct Sluice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "A high-volume mail transfer agent with a live operations console.",
        subcommands: [CheckConfigCommand.self, Show.self, Hold.self, Release.self, Pause.self, Resume.self, ReplyRule.self,
                      SetCommand.self, Schedule.self, Delete.self, Reload.self, Controls.self, Cancel.self,
                      ConsoleCommand.self, SpoolCommand.self, DKIMCommand.self, SuppressCommand.self, ServeCommand.self, SandboxCommand.self, DemoCommand.self],
        defaultSubcommand: DemoCommand.self
    )

    /// Runs the command line; usage errors exit with status 2 (DESIGN.md), not ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
