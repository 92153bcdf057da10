import ArgumentParser
import Foundation
import SluiceBase
import SluiceConfig
import SluiceSuppression

/// `sluice suppress …`: the suppression list (docs/config.md#the-suppression-list). Works on the
/// SQLite file directly, whether or not a node runs; a running node sees changes within about a
/// second.
struct SuppressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suppress",
        abstract: "Add, remove, check, import, export and count suppressed addresses.",
        subcommands: [SuppressAddCommand.self, SuppressRemoveCommand.self, SuppressCheckCommand.self,
                      SuppressImportCommand.self, SuppressExportCommand.self, SuppressStatsCommand.self]
    )
}

/// `--database PATH`, else `--config FILE`'s `<suppression>` (the default configuration when it
/// exists), else /var/spool/sluice/suppression.sqlite.
struct SuppressDatabaseOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The suppression list's SQLite file.", valueName: "path"))
    var database: String?

    @Option(help: ArgumentHelp("The configuration whose <suppression> database (or spool directory) names the file.",
                               discussion: "Default: \(defaultConfigPath) when it exists.", valueName: "path"))
    var config: String?

    /// The database file to use.
    func path() throws -> String {
        if let database { return database }
        let configPath = config ?? (FileManager.default.fileExists(atPath: defaultConfigPath) ? defaultConfigPath : nil)
        guard let configPath else { return SuppressionSettings().databasePath(spoolDirectory: "/var/spool/sluice") }
        let result = try loadConfig(configPath)
        if result.hasErrors {
            printError("sluice: \(configPath) has \(result.errors.count) error(s) (sluice check-config lists them); "
                       + "fix them or pass --database")
            throw ExitCode(1)
        }
        return result.model.suppression.databasePath(spoolDirectory: result.model.spoolPath ?? "/var/spool/sluice")
    }

    /// The list, opened; a failure is one line on stderr and exit status 1.
    func open() throws -> SuppressionStore {
        let path = try path()
        do { return try SuppressionStore(path: path) } catch {
            printError("sluice: cannot open the suppression list: \(error)")
            throw ExitCode(1)
        }
    }
}

/// `--scope global|sender-domain:D|job:J`.
extension SuppressionScope: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }

    public static var defaultCompletionKind: CompletionKind { .list(["global"]) }
}

/// Runs `body`, turning a database error into one line on stderr and exit status 1.
func withSuppressionList<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as ExitCode { throw error } catch {
        printError("sluice: \(error)")
        throw ExitCode(1)
    }
}

/// An entry on one line: `ADDRESS scope=… reason=… source=… time=…`.
func describe(_ entry: SuppressionEntry) -> String {
    "\(entry.address) scope=\(entry.scope) reason=\(entry.reason) source=\(SuppressionCSV.quoted(entry.source)) "
        + "time=\(CivilTime(entry.time).isoText)"
}
