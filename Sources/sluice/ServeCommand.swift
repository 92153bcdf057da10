import ArgumentParser
import Dispatch
import CMalloc
import Foundation
import SluiceConfig
import SluiceServer

/// `sluice serve --config FILE`: runs the MTA in the foreground until SIGTERM or SIGINT, then
/// shuts down gracefully (stop accepting, finish or defer transactions in flight) and exits 0.
/// Log lines go to standard error.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the MTA in the foreground (SIGTERM or SIGINT stops it gracefully).")

    @Option(name: .long, help: "The configuration file.")
    var config = defaultConfigPath

    func run() async throws {
        let result = try loadConfig(config)
        for diagnostic in result.diagnostics { printError(diagnostic.description) }
        if result.hasErrors {
            printError("\(config): not started: \(result.errors.count) error(s)")
            throw ExitCode(1)
        }
        // Message buffers of a megabyte and more come from mmap and go back to the system when
        // freed; glibc's default threshold climbs to 32 MB after the first large free, so the
        // memory of a burst of large messages would stay with the process afterwards.
        _ = mallopt(M_MMAP_THRESHOLD, 1 << 20)
        let node: MailNode
        do {
            node = try await MailNode.start(configuration: result.model, options: NodeOptions(configurationPath: config))
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        let signal = await Self.firstSignal(of: [SIGTERM, SIGINT])
        StandardErrorLog.write("signal \(signal): shutting down")
        await node.shutdown()
    }

    /// Waits for the first of `signals` (their default actions are disabled meanwhile).
    static func firstSignal(of signals: [Int32]) async -> Int32 {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        var sources: [any DispatchSourceSignal] = []
        for number in signals {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
        var received = SIGTERM
        for await number in stream {
            received = number
            break
        }
        for source in sources { source.cancel() }
        return received
    }
}
