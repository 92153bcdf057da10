import ArgumentParser
import Foundation
import SluiceCore
import SluiceSpool

/// `sluice spool …`: offline spool inspection.
struct SpoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spool",
        abstract: "Inspect a spool directory.",
        subcommands: [SpoolStatsCommand.self]
    )
}

/// `sluice spool stats --spool DIR [--json]`: messages, recipients, bytes and the oldest message.
/// Read-only: it takes no lock and writes nothing, so it is safe on a running daemon's spool.
struct SpoolStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show messages, recipients, bytes and the oldest message in a spool (read-only)."
    )

    @Option(name: .customLong("spool"), help: "The spool directory.")
    var directory: String

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let inspection: SpoolInspection
        do {
            inspection = try Spool.inspect(directory: directory)
        } catch {
            FileHandle.standardError.write(Data("sluice: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let now = WallClock().now()
        if json {
            print(inspection.json(now: now), terminator: "")
        } else {
            for warning in inspection.warnings {
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
            print(inspection.text(now: now), terminator: "")
        }
    }
}
