import ArgumentParser
import Foundation
import SluiceConfig
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

    @Option(help: "With --fleet and no --node: take the nodes from this configuration's <cluster> block (this node and its `member` lines).")
    var config: String?

    func validate() throws {
        if !nodes.isEmpty, !fleet { throw ValidationError("--node needs --fleet") }
        if config != nil, !fleet { throw ValidationError("--config needs --fleet") }
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

    /// The nodes of `--node`, or of the `<cluster>` block of `--config`; one that does not answer
    /// yet is shown STALE until it does.
    private func fleetSource() -> FleetDataSource {
        let members: [FleetMemberSpec]
        do {
            members = try FleetMemberSpec.validated(nodes.isEmpty ? clusterMembers() : nodes.map(FleetMemberSpec.init(parsing:)))
        } catch {
            fail("\(error)")
        }
        return FleetDataSource(members: members.map { member in
            FleetDataSource.Member(name: member.name, source: ControlDataSource(
                endpoint: ControlClient(socketPath: member.socketPath, client: "console")))
        })
    }

    /// This node and the `member` lines of `--config`'s `<cluster>` block (none without `--config`).
    private func clusterMembers() -> [FleetMemberSpec] {
        guard let config else { return [] }
        let result: ConfigLoadResult
        do { result = try loadConfig(config) } catch { Foundation.exit(1) }
        if result.hasErrors {
            for diagnostic in result.errors { printError(diagnostic.description) }
            Foundation.exit(1)
        }
        guard let cluster = result.model.cluster else {
            fail("\(config) has no <cluster> block: name the nodes with --node NAME=SOCKET")
        }
        let own = ControlClient.defaultSocketPath(explicit: socket ?? result.model.controlSocket)
        return FleetMemberSpec.members(of: cluster, ownSocket: own)
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("sluice console: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
