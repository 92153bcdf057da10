import ArgumentParser
import Foundation
import SluiceConfig
import SluiceServer

/// `sluice check-config [--config FILE] [--strict] [--all]`: prints every diagnostic as
/// `FILE:LINE:COL: error|warning|note: message` (a warning or note repeated with the same message
/// is printed three times, then counted, unless `--all`); exits 0 when the configuration is usable, 1 on errors.
/// A PowerMTA directive Sluice does not implement is a note (accepted without effect), a warning
/// (not supported, ignored) or an error (not supported, refused), each naming its entry in
/// docs/pmta-compat.md.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration file and everything it includes.")

    @Option(name: .long, help: "The configuration file.")
    var config = defaultConfigPath

    @Flag(name: .long, help: "Treat unknown directives and blocks as errors.")
    var strict = false

    @Flag(name: .long, help: "Print every warning and note, not only the first three of each kind.")
    var all = false

    func run() throws {
        let result = try loadConfig(config, strict: strict)
        let lines = all ? result.diagnostics.map(\.description) : DiagnosticReport.lines(result.diagnostics)
        for line in lines { printError(line) }
        let errors = result.errors.count, warnings = result.warnings.count, notes = result.notes.count
        let counts = [warnings > 0 ? plural(warnings, "warning") : nil, notes > 0 ? plural(notes, "note") : nil]
            .compactMap { $0 }.joined(separator: ", ")
        if result.hasErrors {
            printError("\(config): \(plural(errors, "error"))" + (counts.isEmpty ? "" : ", \(counts)"))
            throw ExitCode(1)
        }
        print("\(config): OK" + (counts.isEmpty ? "" : " (\(counts))"))
    }
}

/// The configuration file used when `--config` is not given.
let defaultConfigPath = "/etc/sluice/sluice.conf"

/// Loads `path`, or prints one line and exits 1 when the file cannot be read.
func loadConfig(_ path: String, strict: Bool = false) throws -> ConfigLoadResult {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
          FileManager.default.isReadableFile(atPath: path) else {
        printError("error: cannot read configuration file '\(path)'")
        throw ExitCode(1)
    }
    var result = ConfigLoader.load(path: path, strict: strict)
    // The DKIM key files are read and checked here, so that their errors carry FILE:LINE too.
    result.diagnostics += DKIMKeyring.load(result.model).diagnostics
    return result
}

/// Writes one line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

private func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
