import Foundation
import Glibc
import Testing

/// `sluice serve` as a separate process with 256 descriptors, held by more SMTP connections than
/// it has descriptors, as a hostile tester did with 1,100 idle connections against 1,024.
@Suite("Descriptor exhaustion", .serialized)
struct DescriptorExhaustionTests {
    /// The `sluice` executable, built next to the test bundle by `swift build --build-tests`.
    static var sluicePath: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var directory = (executable as NSString).deletingLastPathComponent
        if directory.hasSuffix(".xctest") { directory = (directory as NSString).deletingLastPathComponent }
        return directory + "/sluice"
    }

    @Test("300 idle connections against a 256-descriptor node: new clients get 421 4.3.2 or are served, the control socket answers, the node stays idle")
    func moreConnectionsThanDescriptors() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.sluicePath),
                     "sluice not found next to the tests at \(Self.sluicePath); run `swift build --build-tests` first")
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let port = try freePort()
        let socketPath = "\(dir)/control.sock"
        let configPath = "\(dir)/sluice.conf"
        try """
        host-name node.test
        spool \(dir)/spool
        control-socket \(socketPath)
        smtp-listener 127.0.0.1:\(port)
        <source 127.0.0.1>
            always-allow-relaying yes
        </source>

        """.write(toFile: configPath, atomically: true, encoding: .utf8)
        let node = Process()
        node.executableURL = URL(fileURLWithPath: "/bin/sh")
        // `ulimit -n` sets the soft and the hard limit: the node cannot raise it.
        node.arguments = ["-c", "ulimit -n 256 && exec \"$0\" serve --config \"$1\"", Self.sluicePath, configPath]
        let logPath = "\(dir)/node.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        node.standardError = FileHandle(forWritingAtPath: logPath)
        node.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try node.run()
        defer {
            node.terminate()
            node.waitUntilExit()
        }
        try await waitUntil("the node listening", timeout: 60) { canConnect(port: port) }

        var held: [Int32] = []
        defer { for fd in held { close(fd) } }
        var refused = 0
        for _ in 0..<300 {
            let fd = try connectTo(port: port)
            held.append(fd)
            // Read the greeting so that every connection is really accepted before the next.
            if try readLine(fd).hasPrefix("421 4.3.2") { refused += 1 }
        }
        // 256 descriptors, a quarter reserved: 192 sessions; the rest refused with 421 4.3.2.
        #expect(refused >= 100, "only \(refused) of 300 refused")
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        #expect(log.contains("at most 192 connection(s)"), "\(log)")
        #expect(log.contains("refused 127.0.0.1 with 421 4.3.2: total-max-smtp-in reached"))

        let cpuBefore = try cpuSeconds(of: node.processIdentifier)
        let started = ContinuousClock.now
        var answers = 0
        // For two seconds the control socket must keep answering, and a new SMTP client must get
        // a greeting: 220 (served) or 421 4.3.2 (refused), never silence.
        while ContinuousClock.now - started < .seconds(2) || answers < 3 {
            let status = try run(Self.sluicePath, ["show", "status", "--json", "--socket", socketPath])
            #expect(status.status == 0, "show status: \(status.output)")
            let document = try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any]
            let connections = document?["connections"] as? [String: Any]
            #expect(connections?["in"] as? Int == 192, "\(status.output)")
            let counted = (connections?["refused_in"] as? [String: Any])?["total-max-smtp-in"] as? Int ?? 0
            #expect(counted >= refused, "\(status.output)")
            let probe = try connectTo(port: port)
            let greeting = try readLine(probe)
            close(probe)
            #expect(greeting.hasPrefix("220 ") || greeting.hasPrefix("421 4.3.2"), "\(greeting)")
            answers += 1
        }
        let cpu = try cpuSeconds(of: node.processIdentifier) - cpuBefore
        let wall = Double((ContinuousClock.now - started).components.seconds)
        // A spinning accept loop burns a whole core; here the node only answers the probes.
        #expect(cpu < wall * 0.5, "node used \(cpu) s of CPU in \(wall) s")
    }

    /// User plus system CPU seconds a process has used, from /proc.
    private func cpuSeconds(of pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the command name in parentheses; utime and stime are fields 14 and 15.
        guard let close = stat.lastIndex(of: ")") else { throw TestError("unreadable /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw TestError("unreadable /proc/\(pid)/stat")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
