import Foundation
import Glibc
import SluiceConfig
import SluiceServer
import SluiceSpool
import Synchronization
import Testing

/// A tmpfs of a few megabytes mounted for one test, so that the spool's file system can really
/// fill up.
struct SmallFileSystem {
    let path: String

    /// Mounting needs root (CI runs as root).
    static let canMount = geteuid() == 0

    init(at path: String, megabytes: Int) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let status = try Self.run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path])
        guard status == 0 else { throw TestError("mount tmpfs on \(path) failed (\(status))") }
        self.path = path
    }

    func unmount() {
        _ = try? Self.run("/usr/bin/umount", ["-l", path])
    }

    /// Writes a ballast file until the file system is full; returns its path.
    func fill() throws -> String {
        let ballast = path + "/ballast"
        let fd = open(ballast, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw TestError("cannot create \(ballast)") }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0x5A, count: 4096)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        return ballast
    }

    private static func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Log lines a node wrote, for assertions.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

@Suite("A full spool file system", .serialized)
struct DiskFullTests {
    /// A 4 MB file system for the spool of a node without routes, no free-space minimum.
    private func smallSpool(in dir: String, segmentSize: Int64) throws -> (SmallFileSystem, ConfigModel, NodeOptions) {
        let fs = try SmallFileSystem(at: "\(dir)/spool", megabytes: 4)
        var options = testOptions(directory: dir)
        options.spoolOptions = SpoolOptions(minimumFreeSpace: nil, segmentSize: ByteSize(bytes: segmentSize))
        do {
            return (fs, try loadConfiguration(testConfiguration(spool: fs.path, routes: [])), options)
        } catch {
            fs.unmount()
            throw error
        }
    }

    @Test("Full: injections get 452 4.3.1 without a path, deliveries go on; freed: 250 again without a restart; every accepted message delivered exactly once across a restart",
          .enabled(if: SmallFileSystem.canMount, "mounting a small tmpfs for the spool needs root"),
          Peers.smtpSink, Peers.python3)
    func fillThenFree() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let fs = try SmallFileSystem(at: "\(dir)/spool", megabytes: 8)
        defer { fs.unmount() }
        let sink = try await SinkProcess(port: try freePort(), directory: dir)
        defer { sink.stop() }
        let config = try loadConfiguration(testConfiguration(spool: fs.path, routes: [("example.test", sink.port)]))
        let logs = LogLines()
        var options = testOptions(directory: dir)
        // No free-space minimum: the file system itself runs out, the case that jammed the spool.
        options.spoolOptions = SpoolOptions(minimumFreeSpace: nil, segmentSize: ByteSize(bytes: 64 << 10))
        options.log = logs.append

        var accepted = 0
        let node = try await MailNode.start(configuration: config, options: options)
        do {
            let port = try #require(await node.smtpPorts.first)
            accepted += try await Injector.send((0..<5).map { .init(to: ["early\($0)@example.test"], padding: 2000) },
                                                port: port).filter(\.ok).count
            #expect(accepted == 5)
            let ballast = try fs.fill()
            var refusals: [Injector.Result] = []
            for round in 0..<20 where refusals.isEmpty {
                let results = try await Injector.send(
                    (0..<20).map { .init(to: ["r\(round)-\($0)@example.test"], padding: 2000) }, port: port)
                accepted += results.filter(\.ok).count
                refusals += results.filter { !$0.ok }
            }
            let refusal = try #require(refusals.first, "no refusal while the file system was full")
            #expect(refusal.code == 452)
            #expect(refusal.text?.contains("4.3.1") == true)
            #expect(refusals.allSatisfy { $0.code == 452 && $0.text?.contains(fs.path) == false })
            // What was accepted is delivered meanwhile.
            try await waitUntil("the accepted messages at the sink", timeout: 60) { sink.messages >= accepted }

            try FileManager.default.removeItem(atPath: ballast)
            let late = try await Injector.send([.init(to: ["late@example.test"], padding: 2000)], port: port)
            #expect(late.first?.ok == true, "\(late)")
            accepted += late.filter(\.ok).count
            try await waitUntil("every accepted message at the sink", timeout: 60) { sink.messages >= accepted }
            // Progress that could not be written while the disk was full is written now.
            try await waitUntil("every delivery recorded in the spool", timeout: 60) {
                (try? Spool.inspect(directory: fs.path).statistics.messages) == 0
            }
            await node.shutdown()
        } catch {
            await node.shutdown()
            throw error
        }
        #expect(!logs.all.contains { $0.contains("File exists") })

        let restarted = try await MailNode.start(configuration: config, options: options)
        let queued = await restarted.snapshot().status.queued
        await restarted.shutdown()
        #expect(queued == 0)
        #expect(sink.messages == accepted)
    }

    @Test("Started on a full file system: a clear error, and no segment file left behind",
          .enabled(if: SmallFileSystem.canMount, "mounting a small tmpfs for the spool needs root"))
    func startOnAFullDisk() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let (fs, config, options) = try smallSpool(in: dir, segmentSize: 64 << 10)
        defer { fs.unmount() }
        _ = try fs.fill()
        for _ in 0..<3 {
            do {
                let node = try await MailNode.start(configuration: config, options: options)
                await node.shutdown()
                Issue.record("the node started on a full file system")
            } catch {
                #expect("\(error)".contains("file system is full"), "\(error)")
            }
        }
        let segments = (try? FileManager.default.contentsOfDirectory(atPath: fs.path + "/segments")) ?? []
        #expect(segments.isEmpty, "\(segments)")
    }

    @Test("Restarted on a full file system, a spool whose segments are empty gives their space to the new segment and starts",
          .enabled(if: SmallFileSystem.canMount, "mounting a small tmpfs for the spool needs root"))
    func restartOnAFullDisk() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let (fs, config, options) = try smallSpool(in: dir, segmentSize: 256 << 10)
        defer { fs.unmount() }
        // An earlier run left its (preallocated, empty) segment.
        let (spool, _) = try Spool.open(directory: fs.path, options: options.spoolOptions)
        await spool.close()
        _ = try fs.fill()
        let node = try await MailNode.start(configuration: config, options: options)
        await node.shutdown()
        let segments = try FileManager.default.contentsOfDirectory(atPath: fs.path + "/segments")
        #expect(segments.count == 1, "\(segments)")
    }
}
