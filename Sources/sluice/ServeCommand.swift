import ArgumentParser
import CMalloc
import SluiceConfig
import SluiceServer

/// `sluice serve --config FILE`: runs the MTA in the foreground until SIGTERM or SIGINT, on which
/// its service group shuts down gracefully (stop accepting, finish or defer transactions in
/// flight) and the command exits 0. Log lines go to standard error.
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
            node = try await MailNode.start(configuration: result.model,
                                            options: NodeOptions(configurationPath: config, shutdownSignals: [.sigterm, .sigint]))
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        await node.stopped()
    }
}
