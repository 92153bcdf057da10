import ArgumentParser
import Foundation
import SluiceConsole
import SluiceControlClient

/// `sluice console`: the live operations console on a running daemon.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "The live operations console: per-domain view, dsnDiag tail, holds, pauses and throttles."
    )

    @Option(help: "The daemon's control socket (default: $SLUICE_SOCKET or /var/spool/sluice/control.sock).")
    var socket: String?

    @Option(help: "Colour theme: a name from themes/ (default, dark, light, high-contrast, mono) or a .theme file.")
    var theme: String?

    @Flag(help: "Hide and refuse every action that changes the MTA.")
    var readOnly = false

    func run() async throws {
        let path = ControlClient.defaultSocketPath(explicit: socket)
        // A bad theme is a usage error, reported before anything else (FILE:LINE for a broken file).
        let chosenTheme: Theme
        do {
            chosenTheme = try ConsoleLauncher.theme(named: theme)
        } catch {
            fail("\(error)")
        }
        if DaemonProbe.problem(connectingTo: path) != nil {
            fail("no daemon at \(path) (is `sluice serve` running?)")
        }
        let source = ControlDataSource(endpoint: ControlClient(socketPath: path, client: "console"))
        let outcome: ConsoleExit
        do {
            outcome = try await ConsoleLauncher.run(dataSource: source, theme: chosenTheme, readOnly: readOnly)
        } catch {
            fail("\(error)")
        }
        if case .signal(let number) = outcome { Foundation.exit(128 + number) }
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("sluice console: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
