import ArgumentParser
import Foundation
import SluiceConsole

/// `sluice console`: the live operations console on a running daemon.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "The live operations console: per-domain view, dsnDiag tail, holds, pauses and throttles."
    )

    /// The control socket used when neither `--socket` nor SLUICE_SOCKET is given.
    static let defaultSocket = "/run/sluice/control.sock"

    @Option(help: "The daemon's control socket (default: $SLUICE_SOCKET or \(ConsoleCommand.defaultSocket)).")
    var socket: String?

    @Option(help: "Colour theme: a name from themes/ (default, dark, light, high-contrast, mono) or a .theme file.")
    var theme: String?

    @Flag(help: "Hide and refuse every action that changes the MTA.")
    var readOnly = false

    func run() async throws {
        let path = socket ?? ProcessInfo.processInfo.environment["SLUICE_SOCKET"] ?? Self.defaultSocket
        // A bad theme is a usage error, reported before anything else (FILE:LINE for a broken file).
        do {
            _ = try ConsoleLauncher.theme(named: theme)
        } catch {
            fail("\(error)")
        }
        if DaemonProbe.problem(connectingTo: path) != nil {
            fail("no daemon at \(path) (is `sluice serve` running?)")
        }
        // The daemon answers, but this build has no control-plane client to speak to it yet:
        // once SluiceControl has one, it is passed to ConsoleLauncher.run(dataSource:theme:readOnly:).
        fail("connected to \(path), but this build has no control-plane client (SluiceControl) to talk to it")
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("sluice console: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
