import Foundation
import SluiceSuppression
import Testing

/// `sluice suppress …` as operators run it: the built `sluice` binary, its exit status, output and errors.
@Suite struct SuppressCommandTests {
    struct Run {
        var status: Int32
        var output: String
        var error: String
    }

    /// Runs the `sluice` built next to the tests (`swift build --build-tests`) in `directory`.
    func sluice(_ arguments: [String], in directory: String) throws -> Run {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var binDirectory = (executable as NSString).deletingLastPathComponent
        if binDirectory.hasSuffix(".xctest") { binDirectory = (binDirectory as NSString).deletingLastPathComponent }
        let path = binDirectory + "/sluice"
        try #require(FileManager.default.isExecutableFile(atPath: path), "sluice not found at \(path)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = directory + "/.out", err = directory + "/.err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: err)
        try process.run()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: try String(contentsOfFile: out, encoding: .utf8),
                   error: try String(contentsOfFile: err, encoding: .utf8))
    }

    @Test("add, check (exit 0 suppressed, 1 not), remove, with --database")
    func addCheckRemove() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = ["--database", directory.database]
        #expect(try sluice(["suppress", "add", "A@x.test", "b@x.test", "--scope", "job:spring", "--reason", "complaint:abuse"] + db,
                           in: directory.path).status == 0)
        let hit = try sluice(["suppress", "check", "a@X.test", "--job", "spring"] + db, in: directory.path)
        #expect(hit.status == 0)
        #expect(hit.output.hasPrefix("suppressed: a@x.test scope=job:spring reason=complaint:abuse source=sluice suppress add by "))
        let miss = try sluice(["suppress", "check", "a@x.test"] + db, in: directory.path)
        #expect(miss.status == 1 && miss.output == "not suppressed: a@x.test\n")
        #expect(try sluice(["suppress", "remove", "a@x.test", "--scope", "job:spring"] + db, in: directory.path).status == 0)
        let again = try sluice(["suppress", "remove", "a@x.test", "--scope", "job:spring"] + db, in: directory.path)
        #expect(again.status == 1 && again.error.contains("has no job:spring entry"))
        #expect(try sluice(["suppress", "add", "not-an-address"] + db, in: directory.path).status == 2)
        #expect(try sluice(["suppress", "add", "c@x.test", "--scope", "everywhere"] + db, in: directory.path).status == 2)
        #expect(try SuppressionStore(path: directory.database).stats().total == 1)
    }

    @Test("import reports bad lines with FILE:LINE and exits 1; export and stats --json read the configuration's database")
    func importExportStats() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.path + "/sluice.conf"
        try "spool \(directory.path)/spool\n<suppression>\n    database lists/s.sqlite\n</suppression>\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory.path + "/spool/lists", withIntermediateDirectories: true)
        try "address,reason\nx@y.test,bad-mailbox\nnope,manual\n\"\"\"q,r\"\"@y.test\",\"a, b\"\n"
            .write(toFile: directory.path + "/in.csv", atomically: true, encoding: .utf8)
        let imported = try sluice(["suppress", "import", "in.csv", "--config", config], in: directory.path)
        #expect(imported.status == 1)
        #expect(imported.output.hasPrefix("imported 2 entries from in.csv into \(directory.path)/spool/lists/s.sqlite"))
        #expect(imported.error == "in.csv:3: 'nope' is not an address\n")
        let exported = try sluice(["suppress", "export", "--config", config], in: directory.path)
        let lines = exported.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "address,scope,reason,source,time")
        #expect(lines.dropFirst().map { $0.components(separatedBy: ",import").first ?? "" }
                == ["x@y.test,global,bad-mailbox", "\"\"\"q,r\"\"@y.test\",global,\"a, b\""])
        let stats = try sluice(["suppress", "stats", "--json", "--config", config], in: directory.path)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(stats.output.utf8)) as? [String: Any])
        #expect(json["total"] as? Int == 2)
        #expect(json["by_scope"] as? [String: Int] == ["global": 2])
        #expect((json["newest"] as? [String: Any])?["address"] as? String == "\"q,r\"@y.test")
    }
}
