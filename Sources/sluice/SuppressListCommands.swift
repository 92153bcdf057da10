import ArgumentParser
import Foundation
import SluiceBase
import SluiceSuppression

/// `sluice suppress import FILE.csv`: prints the number imported; each bad line on stderr as
/// `FILE:LINE: reason`, and then exit status 1 (the good lines are imported all the same).
struct SuppressImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import a CSV file (address,scope,reason,source,time; only address is required).",
        discussion: "Bad lines are listed on stderr and skipped; the exit status is then 1.")

    @Argument(help: ArgumentHelp("The CSV file.", valueName: "file"))
    var file: String

    @OptionGroup var list: SuppressDatabaseOptions

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            printError("sluice: cannot read '\(file)'")
            throw ExitCode(1)
        }
        let store = try list.open()
        let clock = WallClock()
        let started = clock.now()
        let report = try withSuppressionList {
            try store.importCSV([UInt8](data), name: (file as NSString).lastPathComponent, now: started)
        }
        for bad in report.badLines { printError("\(file):\(bad.line): \(bad.reason)") }
        print("imported \(report.imported) entr\(report.imported == 1 ? "y" : "ies") from \(file) into \(store.path) "
              + "in \(clock.now() - started); \(report.badLines.count) bad line(s)")
        if !report.badLines.isEmpty { throw ExitCode(1) }
    }
}

/// `sluice suppress export [FILE]`: the whole list as CSV, to standard output by default.
struct SuppressExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write the list as CSV (header address,scope,reason,source,time).")

    @Argument(help: ArgumentHelp("The file to write (default: standard output).", valueName: "file"))
    var file: String?

    @OptionGroup var list: SuppressDatabaseOptions

    func run() throws {
        let store = try list.open()
        let handle: FileHandle
        if let file {
            guard FileManager.default.createFile(atPath: file, contents: nil), let opened = FileHandle(forWritingAtPath: file) else {
                printError("sluice: cannot write '\(file)'")
                throw ExitCode(1)
            }
            handle = opened
        } else {
            handle = FileHandle.standardOutput
        }
        var buffer: [UInt8] = []
        let count = try withSuppressionList {
            try store.exportCSV { line in
                buffer.append(contentsOf: line.utf8)
                buffer.append(UInt8(ascii: "\n"))
                if buffer.count >= 1 << 16 {
                    try handle.write(contentsOf: buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        }
        try withSuppressionList { try handle.write(contentsOf: buffer) }
        if let file { printError("exported \(count) entr\(count == 1 ? "y" : "ies") to \(file)") }
    }
}

/// `sluice suppress stats [--json]`: entries by scope and by reason, and the newest.
struct SuppressStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Count entries by scope and reason.")

    @Flag(help: "JSON: {\"total\", \"by_scope\", \"by_reason\", \"newest\"}.")
    var json = false

    @OptionGroup var list: SuppressDatabaseOptions

    func run() throws {
        let store = try list.open()
        let stats = try withSuppressionList { try store.stats() }
        if json {
            struct Newest: Encodable { var address, scope, reason, source, time: String }
            struct Output: Encodable {
                var total: Int
                var by_scope: [String: Int]
                var by_reason: [String: Int]
                var newest: Newest?
            }
            let newest = stats.newest.map {
                Newest(address: $0.address, scope: $0.scope.description, reason: $0.reason, source: $0.source,
                       time: CivilTime($0.time).isoText)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(Output(total: stats.total, by_scope: stats.byScope, by_reason: stats.byReason,
                                                 newest: newest))
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("\(stats.total) entr\(stats.total == 1 ? "y" : "ies") in \(store.path)")
        for (scope, count) in stats.byScope.sorted(by: { $0.key < $1.key }) { print("  scope \(scope): \(count)") }
        for (reason, count) in stats.byReason.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            print("  reason \(reason): \(count)")
        }
        if let newest = stats.newest { print("newest: \(describe(newest))") }
    }
}
