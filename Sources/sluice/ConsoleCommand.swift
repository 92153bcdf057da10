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

    @Flag(help: "One console for several nodes: a node column in every table, fleet totals, actions sent to every node.")
    var fleet = false

    @Option(name: .customLong("node"), help: ArgumentHelp(
        "With --fleet: a node and its control socket (repeatable; a local socket or one forwarded over SSH).",
        valueName: "NAME=SOCKET"))
    var nodes: [String] = []

    func validate() throws {
        if !nodes.isEmpty, !fleet { throw ValidationError("--node needs --fleet") }
    }

    func run() async throws {
        // A bad theme is a usage error, reported before anything else (FILE:LINE for a broken file).
        let chosenTheme: Theme
        do {
            chosenTheme = try ConsoleLauncher.theme(named: theme)
        } catch {
            fail("\(error)")
        }
        let source: any ConsoleDataSource = fleet ? fleetSource() : nodeSource()
        let outcome: ConsoleExit
        do {
            outcome = try await ConsoleLauncher.run(dataSource: source, theme: chosenTheme, readOnly: readOnly)
        } catch {
            fail("\(error)")
        }
        if case .signal(let number) = outcome { Foundation.exit(128 + number) }
    }

    /// The one node at `--socket`, after checking that a daemon listens there.
    private func nodeSource() -> ControlDataSource {
        let path = ControlClient.defaultSocketPath(explicit: socket)
        if DaemonProbe.problem(connectingTo: path) != nil {
            fail("no daemon at \(path) (is `sluice serve` running?)")
        }
        return ControlDataSource(endpoint: ControlClient(socketPath: path, client: "console"))
    }

    /// The nodes of `--node`; one that does not answer yet is shown STALE until it does.
    private func fleetSource() -> FleetDataSource {
        let members: [FleetMemberSpec]
        do {
            members = try FleetMemberSpec.validated(nodes.map(FleetMemberSpec.init(parsing:)))
        } catch {
            fail("\(error)")
        }
        return FleetDataSource(members: members.map { member in
            FleetDataSource.Member(name: member.name, source: ControlDataSource(
                endpoint: ControlClient(socketPath: member.socketPath, client: "console")))
        })
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("sluice console: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
